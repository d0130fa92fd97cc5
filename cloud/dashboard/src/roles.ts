import type { Role } from './api/types.js';

const RANK: Record<Role, number> = { owner: 3, manager: 2, worker: 1, viewer: 0 };

/** Whether `role` is at least `required` (the same order as `hasRole` in shared; kept here to keep zod out of the bundle). */
export function atLeast(role: Role | null, required: Role): boolean {
  return role !== null && RANK[role] >= RANK[required];
}
