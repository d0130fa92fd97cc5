import {
  CalibrationSchema,
  IdSchema,
  LocaleSchema,
  NameSchema,
  NoteSchema,
  OutputSchema,
  PhoneSchema,
  ReadingSchema,
  RoleSchema,
  SensorSchema,
  TimeZoneSchema,
  UsernameSchema,
  AlarmStateSchema,
} from '@tokkatot/shared';
import { z } from 'zod';

/**
 * Request bodies and queries of the edge API, built from the shared domain schemas. (Candidates
 * to move into shared/ once the LAN app consumes them.)
 */
export const PasswordSchema = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');

export const IdParamsSchema = z.strictObject({ id: IdSchema });

export const SetupOwnerBodySchema = z.strictObject({
  username: UsernameSchema,
  displayName: NameSchema,
  password: PasswordSchema,
  locale: LocaleSchema.optional(),
});

export const LoginBodySchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const RefreshBodySchema = z.strictObject({ refreshToken: z.string().min(1).max(200) });

export const CreateUserBodySchema = z.strictObject({
  username: UsernameSchema,
  displayName: NameSchema,
  password: PasswordSchema,
  role: RoleSchema,
  locale: LocaleSchema.optional(),
  email: z.email().max(254).optional(),
  phone: PhoneSchema.optional(),
});

const nonEmpty = (value: object) => Object.keys(value).length > 0;
const NON_EMPTY = { message: 'must change at least one field' };

export const PatchUserBodySchema = z
  .strictObject({ displayName: NameSchema.optional(), role: RoleSchema.optional(), disabled: z.boolean().optional(), locale: LocaleSchema.optional() })
  .refine(nonEmpty, NON_EMPTY);

export const ResetPasswordBodySchema = z.strictObject({ password: PasswordSchema });
export const ChangePasswordBodySchema = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: PasswordSchema });

export const PatchFarmBodySchema = z
  .strictObject({
    name: NameSchema.optional(),
    timezone: TimeZoneSchema.optional(),
    locale: LocaleSchema.optional(),
    location: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
  })
  .refine(nonEmpty, NON_EMPTY);

export const CreateCoopBodySchema = z.strictObject({
  id: IdSchema.optional(),
  name: NameSchema,
  capacityBirds: z.number().int().min(0).max(1_000_000).optional(),
});
export const PatchCoopBodySchema = z
  .strictObject({ name: NameSchema.optional(), capacityBirds: z.number().int().min(0).max(1_000_000).optional() })
  .refine(nonEmpty, NON_EMPTY);

export const PatchNodeBodySchema = z.strictObject({ coopId: IdSchema.nullable().optional(), name: NameSchema.optional() }).refine(nonEmpty, NON_EMPTY);

// The domain's own field rules; dimmable is plain here (the domain's default must not fill a patch).
const { coopId, nodeId, channel, kind, name, activeLow, failSafeState, maxOnSeconds, installed } = OutputSchema.shape;
const OutputFields = { coopId, nodeId, channel, kind, name, activeLow, failSafeState, maxOnSeconds, dimmable: z.boolean(), installed };
export const CreateOutputBodySchema = z.strictObject({ id: IdSchema.optional(), ...OutputFields, dimmable: OutputFields.dimmable.default(false) });
export const PatchOutputBodySchema = z.strictObject(OutputFields).partial().refine(nonEmpty, NON_EMPTY);

// As above: samplePeriodSeconds is plain here, its default applies to creation only.
const SensorShape = SensorSchema.shape;
const SensorFields = {
  coopId: SensorShape.coopId,
  nodeId: SensorShape.nodeId,
  channel: SensorShape.channel,
  kind: SensorShape.kind,
  unit: SensorShape.unit,
  name: SensorShape.name,
  calibration: SensorShape.calibration,
  samplePeriodSeconds: z.number().int().min(1).max(3600),
  installed: SensorShape.installed,
};
export const CreateSensorBodySchema = z.strictObject({
  id: IdSchema.optional(),
  ...SensorFields,
  calibration: CalibrationSchema.default({ offset: 0, scale: 1 }),
  samplePeriodSeconds: SensorFields.samplePeriodSeconds.default(10),
});
export const PatchSensorBodySchema = z.strictObject(SensorFields).partial().refine(nonEmpty, NON_EMPTY);

export const ManualCommandBodySchema = z.strictObject({
  state: z.enum(['on', 'off']),
  level: z.number().int().min(0).max(100).optional(),
  reason: NoteSchema.min(1, 'say why (it is kept in the log)'),
  /** A manual override always ends: at most 24 h. */
  durationSeconds: z.number().int().min(1).max(86_400),
});

export const IngestBodySchema = z.strictObject({ readings: z.array(ReadingSchema).min(1).max(10_000) });

const EpochMs = z.coerce.number().int().min(0).max(Date.UTC(2100, 0, 1));

export const HistoryQuerySchema = z
  .strictObject({
    from: EpochMs,
    to: EpochMs,
    resolution: z.enum(['auto', 'raw', 'minute', 'hour', 'day']).default('auto'),
    limit: z.coerce.number().int().min(1).max(10_000).default(5000),
  })
  .refine((query) => query.from < query.to, { message: 'from must be before to', path: ['to'] });

export const EventsQuerySchema = z.strictObject({
  type: z
    .string()
    .max(500)
    .regex(/^[a-z_]+(,[a-z_]+)*$/, 'must be event types separated by commas')
    .optional(),
  coopId: IdSchema.optional(),
  from: EpochMs.optional(),
  to: EpochMs.optional(),
  before: z.coerce.number().int().min(1).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const AlarmsQuerySchema = z.strictObject({
  state: z
    .string()
    .regex(/^(raised|acknowledged|cleared)(,(raised|acknowledged|cleared))*$/, 'must be alarm states separated by commas')
    .optional(),
  coopId: IdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export { AlarmStateSchema };

export const CoopFilterQuerySchema = z.strictObject({ coopId: IdSchema.optional() });
export const LiveQuerySchema = z.strictObject({ access_token: z.string().max(2000).optional() });
