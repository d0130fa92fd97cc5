import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { DocumentMetaShape, NameSchema, TimestampMsSchema } from './common.js';

export const NodeTransportSchema = z.enum(['serial', 'mqtt']);
export type NodeTransport = z.infer<typeof NodeTransportSchema>;

/** Semantic version "MAJOR.MINOR.PATCH" with an optional pre-release tag. */
export const FirmwareVersionSchema = z
  .string()
  .max(40)
  .regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}(-[0-9A-Za-z.-]{1,20})?$/, 'must be a version such as "1.4.2"');

/** An ESP32 board. It registers itself by hello; an installer assigns it to a coop. */
export const NodeSchema = z.strictObject({
  ...DocumentMetaShape,
  /** Unassigned nodes (just discovered) have no coop and are never offered for control. */
  coopId: IdSchema.nullable(),
  name: NameSchema,
  transport: NodeTransportSchema,
  firmwareVersion: FirmwareVersionSchema,
  hardwareRevision: z.number().int().min(0).max(255),
  lastSeenAt: TimestampMsSchema.nullable(),
});
export type Node = z.infer<typeof NodeSchema>;
