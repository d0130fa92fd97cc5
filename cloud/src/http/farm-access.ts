import type { FastifyRequest } from 'fastify';
import type { Role } from '@tokkatot/shared';

/** A signed-in person acting on one farm, with the role the membership table gives them today. */
export interface FarmActor {
  userId: string;
  role: Role;
}

/** A signed-in person, whatever farm they act on. */
export interface AccountActor {
  userId: string;
  admin: boolean;
}

/**
 * The one authorisation check of the owners' API (docs/cloud/api.md, "Authentication and farm
 * scope"). Implemented by the accounts module; every farm route calls it before anything else.
 */
export interface FarmAccess {
  /** The caller's account, or UNAUTHENTICATED / TOKEN_EXPIRED. */
  account(request: FastifyRequest): Promise<AccountActor>;
  /**
   * The caller's role on `farmId` if it is at least `minimum`; NOT_FOUND when they are not a
   * member (no existence leak), FORBIDDEN when their role is too low.
   */
  authorize(request: FastifyRequest, farmId: string, minimum: Role): Promise<FarmActor>;
  /** The farms the caller is a member of (admins: every farm, as viewer). */
  farms(request: FastifyRequest): Promise<Array<{ farmId: string; role: Role }>>;
  /**
   * Called after committing a membership change: resolves once this instance has heard it, so
   * the next request here already sees it (other replicas hear it within milliseconds).
   */
  membershipsChanged(): Promise<void>;
}
