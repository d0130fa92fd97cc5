import { z } from 'zod';
import { IdSchema, LocaleSchema, NameSchema, PhoneSchema, RoleSchema, TimeZoneSchema } from '@tokkatot/shared';

/** An email address as stored: trimmed and lower-cased, so uniqueness is exact. */
export const EmailSchema = z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').pipe(z.email('must be an e-mail address'));

/** At least 10 characters (docs/cloud/api.md); bounded so hashing cost is bounded too. */
export const PasswordSchema = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');

export const RegisterSchema = z
  .strictObject({ name: NameSchema, email: EmailSchema.optional(), phone: PhoneSchema.optional(), password: PasswordSchema, locale: LocaleSchema.optional() })
  .refine((input) => input.email !== undefined || input.phone !== undefined, { message: 'give an email address or a phone number', path: ['email'] });

export const LoginSchema = z.strictObject({
  login: z.string().trim().min(1, 'must not be empty').max(254, 'must be at most 254 characters'),
  password: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

export const RefreshSchema = z.strictObject({ refreshToken: z.string().min(1).max(200) });

export const NewFarmSchema = z.strictObject({ name: NameSchema, timeZone: TimeZoneSchema.optional() });

// The farm id is checked by the authorisation itself (a malformed one is "not found").
export const FarmParamsSchema = z.object({ farmId: z.string().max(1000) });
export const MemberParamsSchema = z.object({ farmId: z.string().max(1000), userId: IdSchema });

export const RoleChangeSchema = z.strictObject({ role: RoleSchema });

export const NewInvitationSchema = z.strictObject({ email: EmailSchema.optional(), phone: PhoneSchema.optional(), role: RoleSchema });

export const AcceptInvitationSchema = z.strictObject({ code: z.string().min(1).max(40) });

export const AuditQuerySchema = z.strictObject({
  before: z.string().regex(/^\d{1,18}$/, 'must be an audit entry id').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A sign-in name as stored: email lower-cased, phone without spaces or dashes. */
export function normaliseLogin(login: string): string {
  const trimmed = login.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : trimmed.replace(/[\s-]/g, '');
}
