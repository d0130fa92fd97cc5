import type pg from 'pg';
import { z } from 'zod';
import { IdSchema, newId, OutputSchema, TokkatotError } from '@tokkatot/shared';
import { CommandSchema, CommandTypeSchema, type Command, type CommandType } from '@tokkatot/sync';
import type { SyncDocStore } from '../../db/sync-doc-store.js';

/** The body of POST /v1/farms/:farmId/commands. */
export const NewCommandSchema = z.strictObject({
  type: CommandTypeSchema,
  targetId: IdSchema.nullable().default(null),
  durationSeconds: z.number().int().min(1).max(86_400).nullable().default(null),
  /** Actuator commands are short-lived: a command that could not run in time must not run late. */
  expiresInSeconds: z.number().int().min(10).max(3600).default(300),
});
export type NewCommand = z.infer<typeof NewCommandSchema>;

export type CommandOutcome = 'pending' | 'executed' | 'expired' | 'rejected' | 'failed';

/** A command as listed, with what became of it. */
export type CommandView = Command & { outcome: CommandOutcome; detail: string | null; cancelled: boolean };

// What each type needs as its target (an output of the farm, of a kind) and whether it takes a duration.
const TARGETS: Record<Exclude<CommandType, 'acknowledge_alarm'>, { target: 'required' | 'optional'; kinds?: readonly string[]; duration: boolean }> = {
  output_on: { target: 'required', duration: true },
  output_off: { target: 'required', duration: false },
  output_auto: { target: 'required', duration: false },
  run_feeder: { target: 'required', kinds: ['feeder'], duration: true },
  silence_siren: { target: 'optional', kinds: ['siren'], duration: false },
};

/** Checks that a command makes sense on this farm's equipment before it is queued for the edge. */
export async function checkCommandTarget(db: pg.Pool, farmId: string, input: NewCommand): Promise<void> {
  if (input.type === 'acknowledge_alarm') throw new TokkatotError('VALIDATION_FAILED', 'Acknowledge an alarm through POST /v1/farms/:farmId/alarms/:alarmId/acknowledge.');
  const rule = TARGETS[input.type];
  if (!rule.duration && input.durationSeconds !== null) throw new TokkatotError('VALIDATION_FAILED', `A ${input.type} command takes no durationSeconds.`, [{ path: 'durationSeconds' }]);
  if (input.targetId === null) {
    if (rule.target === 'required') throw new TokkatotError('VALIDATION_FAILED', `A ${input.type} command needs a targetId (an output).`, [{ path: 'targetId' }]);
    return;
  }
  const { rows } = await db.query<{ body: unknown }>("SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = 'outputs' AND id = $2 AND NOT deleted", [farmId, input.targetId]);
  const parsed = rows[0] ? OutputSchema.safeParse(rows[0].body) : undefined;
  if (!parsed?.success) throw new TokkatotError('NOT_FOUND', `This farm has no output "${input.targetId}".`);
  if (!parsed.data.installed) throw new TokkatotError('OUTPUT_INACTIVE', `${parsed.data.name} is not installed.`);
  if (rule.kinds && !rule.kinds.includes(parsed.data.kind)) {
    throw new TokkatotError('VALIDATION_FAILED', `A ${input.type} command needs a ${rule.kinds.join(' or ')} output; ${parsed.data.name} is a ${parsed.data.kind}.`, [{ path: 'targetId' }]);
  }
}

/** Writes a command as a sync document the edge pulls; it is tombstoned once it expires. */
export async function issueCommand(
  store: SyncDocStore,
  farmId: string,
  userId: string,
  spec: { type: CommandType; targetId: string | null; durationSeconds: number | null; expiresInSeconds: number },
  now: number,
): Promise<Command> {
  const parsed = CommandSchema.safeParse({
    id: newId(now),
    farmId,
    type: spec.type,
    targetId: spec.targetId,
    durationSeconds: spec.durationSeconds,
    // Account ids are ULIDs or slugs; anything else is not written into a document the edge validates.
    issuedBy: IdSchema.safeParse(userId).success ? userId : null,
    issuedAt: now,
    notBefore: now,
    expiresAt: now + spec.expiresInSeconds * 1000,
  });
  if (!parsed.success) throw new TokkatotError('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  await store.writeServerDocs(farmId, 'commands', [{ ...parsed.data, _deleted: false }], `user:${userId}`);
  return parsed.data;
}

/** The farm's recent commands, newest first, with the edge's reported outcome or what the clock says. */
export async function listCommands(db: pg.Pool, farmId: string, now: number, limit: number): Promise<CommandView[]> {
  const { rows } = await db.query<{ body: Command; deleted: boolean; outcome: CommandOutcome | null; detail: string | null }>(
    `SELECT d.body, d.deleted, r.body->>'outcome' AS outcome, r.body->>'detail' AS detail
       FROM sync_doc d
       LEFT JOIN LATERAL (SELECT body FROM farm_event e WHERE e.farm_id = d.farm_id AND e.type = 'command_result' AND e.body->>'commandId' = d.id
                           ORDER BY e.ts DESC LIMIT 1) r ON true
      WHERE d.farm_id = $1 AND d.collection = 'commands'
      ORDER BY (d.body->>'issuedAt')::bigint DESC, d.id DESC LIMIT $2`,
    [farmId, limit],
  );
  // A stored row that no longer passes the schema (poison) is not listed, as a pull would skip it.
  return rows.filter((row) => CommandSchema.safeParse(row.body).success).map((row) => {
    const expired = row.body.expiresAt <= now;
    const outcome: CommandOutcome = row.outcome ?? (expired || row.deleted ? 'expired' : 'pending');
    return { ...row.body, outcome, detail: row.detail, cancelled: row.deleted && !expired && row.outcome === null };
  });
}
