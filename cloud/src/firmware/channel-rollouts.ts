import { FirmwareBoardSchema, FirmwareChannelSchema, type FirmwareBoard, type FirmwareChannel } from '@tokkatot/shared';
import type { Queryable } from '../accounts/index.js';

/** A channel's rollout: the release its farms move to and the share of them that do. */
export interface ChannelRollout {
  channel: FirmwareChannel;
  version: string;
  board: FirmwareBoard;
  percent: number;
  updatedBy: string | null;
  updatedAt: number;
}

interface RolloutRow {
  channel: string;
  version: string;
  board: string;
  percent: number;
  updated_by: string | null;
  updated_at: Date;
}

/** Every channel's rollout, by channel. */
export async function readRollouts(db: Queryable): Promise<Map<FirmwareChannel, ChannelRollout>> {
  const { rows } = await db.query<RolloutRow>('SELECT channel, version, board, percent, updated_by, updated_at FROM firmware_rollout ORDER BY channel');
  return new Map(rows.map((row) => [FirmwareChannelSchema.parse(row.channel), toRollout(row)]));
}

/** Sets a channel's rollout; returns the one it replaced. */
export async function writeRollout(db: Queryable, rollout: Omit<ChannelRollout, 'updatedAt'>): Promise<ChannelRollout | undefined> {
  const { rows: previous } = await db.query<RolloutRow>('SELECT channel, version, board, percent, updated_by, updated_at FROM firmware_rollout WHERE channel = $1 FOR UPDATE', [rollout.channel]);
  await db.query(
    `INSERT INTO firmware_rollout (channel, version, board, percent, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (channel) DO UPDATE SET version = excluded.version, board = excluded.board, percent = excluded.percent, updated_by = excluded.updated_by, updated_at = now()`,
    [rollout.channel, rollout.version, rollout.board, rollout.percent, rollout.updatedBy],
  );
  return previous[0] ? toRollout(previous[0]) : undefined;
}

function toRollout(row: RolloutRow): ChannelRollout {
  return {
    channel: FirmwareChannelSchema.parse(row.channel),
    version: row.version,
    board: FirmwareBoardSchema.parse(row.board),
    percent: row.percent,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.getTime(),
  };
}
