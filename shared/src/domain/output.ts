import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { DocumentMetaShape, NameSchema } from './common.js';

export const OutputKindSchema = z.enum(['fan', 'heater', 'feeder', 'conveyor', 'light', 'water_pump', 'siren', 'relay']);
export type OutputKind = z.infer<typeof OutputKindSchema>;

/** What an output falls back to when its node loses the Pi: enforced by the firmware itself. */
export const FailSafeStateSchema = z.enum(['off', 'on']);
export type FailSafeState = z.infer<typeof FailSafeStateSchema>;

/** Longest run the firmware allows for one ON period, in seconds (24 h at most). */
export const MaxOnSecondsSchema = z.number().int().min(1, 'must be at least 1 second').max(86_400, 'must be at most 86400 seconds (24 h)');

/** A relay or dimmer channel on a node, driving one piece of equipment. */
export const OutputSchema = z
  .strictObject({
    ...DocumentMetaShape,
    coopId: IdSchema,
    nodeId: IdSchema,
    channel: z.number().int().min(0).max(31),
    kind: OutputKindSchema,
    name: NameSchema,
    /** Relays on the original board switch on a LOW pin. */
    activeLow: z.boolean(),
    failSafeState: FailSafeStateSchema,
    maxOnSeconds: MaxOnSecondsSchema,
    /** Only lights dim; the level is 0–100 %. */
    dimmable: z.boolean().default(false),
    /** False when the equipment is not fitted: shown as inactive, never offered for control. */
    installed: z.boolean(),
  })
  .refine((output) => !output.dimmable || output.kind === 'light', {
    message: 'only lights can be dimmable',
    path: ['dimmable'],
  })
  .refine((output) => output.kind !== 'heater' || output.failSafeState === 'off', {
    message: 'a heater must fail safe to off (an unattended heater can kill the flock)',
    path: ['failSafeState'],
  });
export type Output = z.infer<typeof OutputSchema>;
