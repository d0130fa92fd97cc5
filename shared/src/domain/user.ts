import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { DocumentMetaShape, LocaleSchema, NameSchema } from './common.js';
import { HlcStringSchema } from '../hlc.js';
import { TimestampMsSchema } from './common.js';

export const RoleSchema = z.enum(['owner', 'manager', 'worker', 'viewer']);
export type Role = z.infer<typeof RoleSchema>;

/** Roles in decreasing power; a role may do everything the ones after it may. */
export const ROLE_RANK: Record<Role, number> = { owner: 3, manager: 2, worker: 1, viewer: 0 };

/** Tells whether `role` is at least `required`. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

export const UsernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'must be at least 3 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'may contain only a–z, 0–9, ".", "_" and "-", starting with a letter or digit');

/** A phone number in E.164 form, e.g. +85512345678. */
export const PhoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in international form, e.g. +85512345678');

/** A person. Secrets (password hashes, tokens) never cross a process boundary in this shape. */
export const UserSchema = z.strictObject({
  id: IdSchema,
  hlc: HlcStringSchema,
  updatedAt: TimestampMsSchema,
  username: UsernameSchema,
  displayName: NameSchema,
  email: z.email('must be an e-mail address').max(254).optional(),
  phone: PhoneSchema.optional(),
  locale: LocaleSchema,
  disabled: z.boolean().default(false),
});
export type User = z.infer<typeof UserSchema>;

/** A user's role on one farm. */
export const MembershipSchema = z.strictObject({
  ...DocumentMetaShape,
  userId: IdSchema,
  role: RoleSchema,
});
export type Membership = z.infer<typeof MembershipSchema>;
