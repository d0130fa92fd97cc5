import type { z } from 'zod';
import {
  AlarmSchema,
  CoopSchema,
  EventSchema,
  FarmSchema,
  FlockSchema,
  MembershipSchema,
  NodeSchema,
  OutputSchema,
  ReadingSchema,
  RollupSchema,
  RuleSchema,
  ScheduleSchema,
  SensorSchema,
  UserSchema,
} from './domain/index.js';

/** Every schema published as JSON Schema (for non-TypeScript consumers and docs), by file name. */
export const PUBLISHED_SCHEMAS: Record<string, z.ZodType> = {
  farm: FarmSchema,
  coop: CoopSchema,
  node: NodeSchema,
  output: OutputSchema,
  sensor: SensorSchema,
  reading: ReadingSchema,
  rollup: RollupSchema,
  event: EventSchema,
  alarm: AlarmSchema,
  schedule: ScheduleSchema,
  rule: RuleSchema,
  flock: FlockSchema,
  user: UserSchema,
  membership: MembershipSchema,
};
