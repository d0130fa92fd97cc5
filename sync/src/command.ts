import { z } from 'zod';
import { IdSchema, TimestampMsSchema } from '@tokkatot/shared';

/**
 * What a cloud-to-edge command asks for; the arbiter on the edge decides how. `acknowledge_alarm`
 * targets an alarm id and acknowledges it on the edge as the command's issuer.
 */
export const CommandTypeSchema = z.enum(['output_on', 'output_off', 'output_auto', 'run_feeder', 'silence_siren', 'acknowledge_alarm']);
export type CommandType = z.infer<typeof CommandTypeSchema>;

/**
 * An intent written only by the cloud and pulled by the edge. All times are server time; it
 * must run inside [notBefore, expiresAt] or never. Cancelling or expiring it is a tombstone.
 */
export const CommandSchema = z
  .strictObject({
    id: IdSchema,
    farmId: IdSchema,
    type: CommandTypeSchema,
    /** The output or device the command is about, when it is about one. */
    targetId: IdSchema.nullable(),
    /** For "on" commands: how long, so the effect is idempotent ("on until T", never "toggle"). */
    durationSeconds: z.number().int().min(1).max(86_400).nullable(),
    issuedBy: IdSchema.nullable(),
    issuedAt: TimestampMsSchema,
    notBefore: TimestampMsSchema,
    expiresAt: TimestampMsSchema,
  })
  .refine((command) => command.notBefore < command.expiresAt, { message: 'notBefore must be before expiresAt', path: ['expiresAt'] })
  .refine((command) => command.expiresAt - command.issuedAt <= 24 * 3600 * 1000, {
    message: 'a command lives at most 24 h; long-lived intent belongs in configuration',
    path: ['expiresAt'],
  });
export type Command = z.infer<typeof CommandSchema>;
