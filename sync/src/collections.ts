import type { z } from 'zod';
import {
  ClimateRuleSchema,
  FarmAlarmSettingsSchema,
  CoopSchema,
  FarmSchema,
  FirmwareTargetSchema,
  FlockSchema,
  MembershipSchema,
  NodeSchema,
  OutputSchema,
  ScheduleSchema,
  SensorSchema,
} from '@tokkatot/shared';
import { CommandSchema } from './command.js';
import type { MergePolicy } from './merge.js';

/** How one replicated collection behaves. */
export interface CollectionSpec {
  /** The same zod schema every side validates with (server on push and pull, edge on write). */
  schema: z.ZodType;
  /** Forks may not write: the master answers every push with its stored state. */
  pullOnly: boolean;
  /** Safety-critical fields whose same-field conflicts the edge's value wins. */
  ownedFields: readonly string[];
}

/**
 * The configuration collections that replicate. The owner rule (docs/sync/protocol.md): on a
 * same-field conflict over an output's fail-safe state or maximum ON time, or over a climate
 * rule's safety limits or the farm's temperature alarm limits, the value stamped by the edge wins, because the edge is the side that
 * sees the hardware and the firmware applies these limits without the cloud.
 */
export const SYNC_COLLECTIONS: Readonly<Record<string, CollectionSpec>> = {
  farms: { schema: FarmSchema, pullOnly: false, ownedFields: [] },
  coops: { schema: CoopSchema, pullOnly: false, ownedFields: [] },
  nodes: { schema: NodeSchema, pullOnly: false, ownedFields: [] },
  outputs: { schema: OutputSchema, pullOnly: false, ownedFields: ['failSafeState', 'maxOnSeconds', 'activeLow'] },
  sensors: { schema: SensorSchema, pullOnly: false, ownedFields: [] },
  schedules: { schema: ScheduleSchema, pullOnly: false, ownedFields: [] },
  rules: {
    schema: ClimateRuleSchema,
    pullOnly: false,
    ownedFields: ['maxRunSeconds', 'sensorStaleSeconds', 'bandLowC', 'bandHighC', 'humidityMaxPercent'],
  },
  flocks: { schema: FlockSchema, pullOnly: false, ownedFields: [] },
  /**
   * One document per farm (id = farm id). The temperature limits are safety limits like a rule's
   * band: on a same-field conflict the edge's value wins; delays and the alarm test merge by stamp.
   */
  alarm_settings: {
    schema: FarmAlarmSettingsSchema,
    pullOnly: false,
    ownedFields: ['temperatureHighC', 'temperatureLowC', 'aboveTargetC', 'belowTargetC'],
  },
  memberships: { schema: MembershipSchema, pullOnly: false, ownedFields: [] },
  commands: { schema: CommandSchema, pullOnly: true, ownedFields: [] },
  /** Written by the cloud's firmware rollouts only (docs/firmware/updates.md). */
  firmware_targets: { schema: FirmwareTargetSchema, pullOnly: true, ownedFields: [] },
};

/** HLC stamps issued by an edge carry a node name starting with this prefix. */
export const EDGE_NODE_PREFIX = 'edge-';

/** The merge policy every replica uses: owner fields from SYNC_COLLECTIONS, edge stamps own them. */
export function createMergePolicy(collections: Readonly<Record<string, CollectionSpec>> = SYNC_COLLECTIONS): MergePolicy {
  return {
    ownedFields: (collection) => collections[collection]?.ownedFields ?? [],
    isOwnerStamp: (hlc) => (hlc.split(':')[2] ?? '').startsWith(EDGE_NODE_PREFIX),
  };
}

/** Tells whether a document belongs to the farm: its farmId (or, for the farm itself, its id). */
export function belongsToFarm(collection: string, doc: Record<string, unknown>, farmId: string): boolean {
  return collection === 'farms' ? doc.id === farmId : doc.farmId === farmId;
}
