import { createHash, randomBytes } from 'node:crypto';
import { hasRole, newId, TokkatotError, type Locale, type Role, type User } from '@tokkatot/shared';
import type { Clock } from '../clock.js';
import type { EdgeDatabase, RefreshTokensRepository, UserRecord, UsersRepository } from '../db/index.js';
import type { EventLog } from '../events/event-log.js';
import type { HlcSource } from '../hlc-source.js';
import type { AccessClaims, AccessTokens } from './access-tokens.js';
import type { PasswordHasher } from './passwords.js';

export interface AuthPolicy {
  refreshTokenTtlDays: number;
  maxFailedLogins: number;
  lockoutMinutes: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  locale?: Locale;
  email?: string;
  phone?: string;
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  disabled?: boolean;
  locale?: Locale;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
  user: PublicUser;
}

/** A user as the API shows it: the shared shape plus role, never secrets. */
export type PublicUser = User & { role: Role };

export interface AuthDeps {
  database: EdgeDatabase;
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  passwords: PasswordHasher;
  accessTokens: AccessTokens;
  events: EventLog;
  hlc: HlcSource;
  clock: Clock;
  policy: AuthPolicy;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Local users: first-run owner, sign-in with lockout, rotating refresh tokens with reuse detection. */
export class AuthService {
  constructor(private readonly deps: AuthDeps) {}

  needsOwner(): boolean {
    return this.deps.users.count() === 0;
  }

  /** Creates the first owner; refused once any user exists (no default password ever ships). */
  async setupOwner(input: Omit<NewUser, 'role'>): Promise<PublicUser> {
    if (!this.needsOwner()) throw new TokkatotError('CONFLICT', 'The owner already exists; sign in instead.');
    const passwordHash = await this.deps.passwords.hash(input.password);
    return this.deps.database.transaction(() => {
      // Checked again inside the transaction: two first-run requests may race past the check above.
      if (!this.needsOwner()) throw new TokkatotError('CONFLICT', 'The owner already exists; sign in instead.');
      return this.insertUser({ ...input, role: 'owner' }, passwordHash, null);
    });
  }

  async createUser(input: NewUser, actorId: string | null): Promise<PublicUser> {
    if (this.deps.users.findByUsername(input.username)) throw new TokkatotError('CONFLICT', `The user name "${input.username}" is taken.`);
    const passwordHash = await this.deps.passwords.hash(input.password);
    return this.deps.database.transaction(() => {
      if (this.deps.users.findByUsername(input.username)) throw new TokkatotError('CONFLICT', `The user name "${input.username}" is taken.`);
      return this.insertUser(input, passwordHash, actorId);
    });
  }

  listUsers(): PublicUser[] {
    return this.deps.users.list().map(toPublicUser);
  }

  getUser(id: string): PublicUser {
    return toPublicUser(this.requireUser(id));
  }

  findUserByName(username: string): PublicUser | undefined {
    const user = this.deps.users.findByUsername(username);
    return user ? toPublicUser(user) : undefined;
  }

  updateUser(id: string, patch: UserPatch, actorId: string | null): PublicUser {
    return this.deps.database.transaction(() => {
      const user = this.requireUser(id);
      const next: UserRecord = {
        ...user,
        ...(patch.displayName === undefined ? {} : { displayName: patch.displayName }),
        ...(patch.role === undefined ? {} : { role: patch.role }),
        ...(patch.disabled === undefined ? {} : { disabled: patch.disabled }),
        ...(patch.locale === undefined ? {} : { locale: patch.locale }),
        hlc: this.deps.hlc.tick(),
        updatedAt: this.deps.clock.now(),
      };
      const losesOwner = user.role === 'owner' && !user.disabled && (next.role !== 'owner' || next.disabled);
      if (losesOwner && this.deps.users.countByRole('owner') <= 1) {
        throw new TokkatotError('CONFLICT', 'This is the last owner; make another user owner first.');
      }
      this.deps.users.save(next);
      if (next.disabled || next.role !== user.role) this.deps.refreshTokens.revokeUser(id, this.deps.clock.now());
      this.deps.events.append({
        type: 'config_changed',
        coopId: null,
        actorId,
        summary: `user ${user.username} changed`,
        detail: { userId: id, before: { role: user.role, disabled: user.disabled }, after: { role: next.role, disabled: next.disabled } },
      });
      return toPublicUser(next);
    });
  }

  /** Sets a new password, lifts any lockout and signs the user out everywhere. */
  async resetPassword(id: string, password: string, actorId: string | null): Promise<PublicUser> {
    const passwordHash = await this.deps.passwords.hash(password);
    return this.deps.database.transaction(() => {
      const user = this.requireUser(id);
      const next = { ...user, passwordHash, failedLogins: 0, lockedUntil: null, hlc: this.deps.hlc.tick(), updatedAt: this.deps.clock.now() };
      this.deps.users.save(next);
      this.deps.refreshTokens.revokeUser(id, this.deps.clock.now());
      this.deps.events.append({ type: 'user_action', coopId: null, actorId, summary: `password of ${user.username} reset`, detail: { userId: id } });
      return toPublicUser(next);
    });
  }

  async changeOwnPassword(id: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = this.requireUser(id);
    if (!(await this.deps.passwords.verify(user.passwordHash, currentPassword))) throw new TokkatotError('INVALID_CREDENTIALS', 'The current password is wrong.');
    await this.resetPassword(id, newPassword, id);
  }

  async login(username: string, password: string): Promise<TokenPair> {
    const { users, passwords, clock, policy } = this.deps;
    const user = users.findByUsername(username);
    if (!user) {
      await passwords.burn(password);
      throw new TokkatotError('INVALID_CREDENTIALS');
    }
    const now = clock.now();
    if (user.lockedUntil !== null && user.lockedUntil > now) {
      throw new TokkatotError('ACCOUNT_LOCKED', undefined, { retryAfterSeconds: Math.ceil((user.lockedUntil - now) / 1000) });
    }
    const ok = await passwords.verify(user.passwordHash, password);
    // Re-read after the await: another request may have counted a failure meanwhile.
    const current = users.get(user.id) ?? user;
    if (!ok) {
      const failures = (current.lockedUntil !== null && current.lockedUntil <= now ? 0 : current.failedLogins) + 1;
      if (failures >= policy.maxFailedLogins) {
        const lockedUntil = now + policy.lockoutMinutes * 60_000;
        this.deps.database.transaction(() => {
          users.recordLoginState(user.id, 0, lockedUntil);
          this.deps.events.append({ type: 'user_action', coopId: null, actorId: null, summary: `account ${user.username} locked after ${failures} failed sign-ins`, detail: { userId: user.id, lockedUntil } });
        });
        throw new TokkatotError('ACCOUNT_LOCKED', undefined, { retryAfterSeconds: policy.lockoutMinutes * 60 });
      }
      users.recordLoginState(user.id, failures, null);
      throw new TokkatotError('INVALID_CREDENTIALS');
    }
    if (current.lockedUntil !== null && current.lockedUntil > now) {
      throw new TokkatotError('ACCOUNT_LOCKED', undefined, { retryAfterSeconds: Math.ceil((current.lockedUntil - now) / 1000) });
    }
    if (current.disabled) throw new TokkatotError('INVALID_CREDENTIALS', 'This account is disabled; ask the farm owner.');
    return this.deps.database.transaction(() => {
      users.recordLoginState(user.id, 0, null);
      return this.issue(current, newId(now));
    });
  }

  /**
   * Exchanges a refresh token for a new pair. A token used twice means it was stolen (or the
   * client misbehaves): the whole family is revoked, so both holders must sign in again.
   */
  refresh(refreshToken: string): TokenPair {
    const { refreshTokens, clock } = this.deps;
    const now = clock.now();
    return this.deps.database.transaction(() => {
      const record = refreshTokens.findByHash(hashToken(refreshToken));
      if (!record || record.revokedAt !== null) throw new TokkatotError('UNAUTHENTICATED', 'The refresh token is not valid; sign in again.');
      if (record.usedAt !== null) {
        refreshTokens.revokeFamily(record.familyId, now);
        this.deps.events.append({ type: 'user_action', coopId: null, actorId: record.userId, summary: 'refresh token reused: session revoked', detail: { familyId: record.familyId } });
        return null;
      }
      if (record.expiresAt <= now) throw new TokkatotError('TOKEN_EXPIRED');
      const user = this.deps.users.get(record.userId);
      if (!user || user.disabled) throw new TokkatotError('UNAUTHENTICATED', 'The account is disabled; sign in again.');
      if (!refreshTokens.markUsed(record.id, now)) throw new TokkatotError('UNAUTHENTICATED', 'The refresh token is not valid; sign in again.');
      return this.issue(user, record.familyId);
    }) ?? throwReuse();
  }

  logout(refreshToken: string): void {
    const record = this.deps.refreshTokens.findByHash(hashToken(refreshToken));
    if (record) this.deps.refreshTokens.revokeFamily(record.familyId, this.deps.clock.now());
  }

  /** Checks an access token and returns who it is now (role and disabled state read fresh). */
  authenticate(accessToken: string): AccessClaims {
    const claims = this.deps.accessTokens.verify(accessToken);
    const user = this.deps.users.get(claims.userId);
    if (!user || user.disabled) throw new TokkatotError('UNAUTHENTICATED', 'The account no longer exists or is disabled.');
    return { userId: user.id, username: user.username, role: user.role };
  }

  /** Tells whether a principal may act with the required role. */
  static allows(role: Role, required: Role): boolean {
    return hasRole(role, required);
  }

  private issue(user: UserRecord, familyId: string): TokenPair {
    const now = this.deps.clock.now();
    const access = this.deps.accessTokens.sign({ userId: user.id, username: user.username, role: user.role });
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshTokenExpiresAt = now + this.deps.policy.refreshTokenTtlDays * 86_400_000;
    this.deps.refreshTokens.insert({
      id: newId(now),
      userId: user.id,
      familyId,
      tokenHash: hashToken(refreshToken),
      issuedAt: now,
      expiresAt: refreshTokenExpiresAt,
      usedAt: null,
      revokedAt: null,
    });
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, refreshTokenExpiresAt, user: toPublicUser(user) };
  }

  private insertUser(input: NewUser, passwordHash: string, actorId: string | null): PublicUser {
    const now = this.deps.clock.now();
    const user: UserRecord = {
      id: newId(now),
      hlc: this.deps.hlc.tick(),
      updatedAt: now,
      username: input.username,
      displayName: input.displayName,
      ...(input.email ? { email: input.email } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
      locale: input.locale ?? 'km',
      disabled: false,
      role: input.role,
      passwordHash,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: now,
    };
    this.deps.users.save(user);
    this.deps.events.append({ type: 'config_changed', coopId: null, actorId, summary: `user ${user.username} added as ${user.role}`, detail: { userId: user.id, role: user.role } });
    return toPublicUser(user);
  }

  private requireUser(id: string): UserRecord {
    const user = this.deps.users.get(id);
    if (!user) throw new TokkatotError('NOT_FOUND', 'No such user.');
    return user;
  }
}

function throwReuse(): never {
  throw new TokkatotError('UNAUTHENTICATED', 'This refresh token was already used; every session of this sign-in is now revoked. Sign in again.');
}

/** Strips secrets and sign-in state from a stored user. */
export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    hlc: user.hlc,
    updatedAt: user.updatedAt,
    username: user.username,
    displayName: user.displayName,
    ...(user.email ? { email: user.email } : {}),
    ...(user.phone ? { phone: user.phone } : {}),
    locale: user.locale,
    disabled: user.disabled,
    role: user.role,
  };
}
