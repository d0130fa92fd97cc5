import jwt from 'jsonwebtoken';
import { RoleSchema, TokkatotError, type Role } from '@tokkatot/shared';
import type { Clock } from '../clock.js';

export interface AccessClaims {
  userId: string;
  username: string;
  role: Role;
}

/** Short-lived signed access tokens (HS256, secret kept in the edge database). */
export class AccessTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  sign(claims: AccessClaims): { token: string; expiresAt: number } {
    const iat = Math.floor(this.clock.now() / 1000);
    const token = jwt.sign({ sub: claims.userId, usr: claims.username, role: claims.role, iat, exp: iat + this.ttlSeconds }, this.secret, {
      algorithm: 'HS256',
      issuer: 'tokkatot-edge',
    });
    return { token, expiresAt: (iat + this.ttlSeconds) * 1000 };
  }

  /** Verifies a token; throws TOKEN_EXPIRED or UNAUTHENTICATED. */
  verify(token: string): AccessClaims {
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: 'tokkatot-edge',
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new TokkatotError('TOKEN_EXPIRED');
      throw new TokkatotError('UNAUTHENTICATED', 'The access token is not valid; sign in again.');
    }
    const role = RoleSchema.safeParse(typeof payload === 'object' ? payload.role : undefined);
    if (typeof payload !== 'object' || typeof payload.sub !== 'string' || !role.success) {
      throw new TokkatotError('UNAUTHENTICATED', 'The access token is not valid; sign in again.');
    }
    return { userId: payload.sub, username: String(payload.usr ?? ''), role: role.data };
  }
}
