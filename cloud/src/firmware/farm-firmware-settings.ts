import { z } from 'zod';
import { DEFAULT_UPDATE_WINDOW, FirmwareChannelSchema, UpdateWindowSchema, type FirmwareChannel, type UpdateWindow } from '@tokkatot/shared';
import type { Queryable } from '../accounts/index.js';

/** What a farm's owner or manager decides about its firmware. */
export interface FarmFirmwareSettings {
  channel: FirmwareChannel;
  window: UpdateWindow;
  paused: boolean;
}

export const DEFAULT_FARM_FIRMWARE_SETTINGS: FarmFirmwareSettings = { channel: 'stable', window: DEFAULT_UPDATE_WINDOW, paused: false };

/** A change of the settings: the fields named change, the others keep their value. */
export const FarmFirmwareChangeSchema = z
  .strictObject({
    channel: FirmwareChannelSchema.optional(),
    // An end before the start spans midnight (22:00–01:00); an empty window would never open.
    window: UpdateWindowSchema.refine((window) => window.start !== window.end, { message: 'must not start and end at the same time', path: ['end'] }).optional(),
    paused: z.boolean().optional(),
  })
  .refine((change) => Object.keys(change).length > 0, 'name at least one of channel, window, paused');
export type FarmFirmwareChange = z.infer<typeof FarmFirmwareChangeSchema>;

interface SettingsRow {
  farm_id: string;
  channel: string;
  window_start: string;
  window_end: string;
  paused: boolean;
}

/** Each farm's settings (defaults for farms without a row); every farm when `farmIds` is absent. */
export async function readFarmSettings(db: Queryable, farmIds?: readonly string[]): Promise<Map<string, FarmFirmwareSettings>> {
  const { rows } = await db.query<SettingsRow>(
    `SELECT f.id AS farm_id, COALESCE(s.channel, 'stable') AS channel, COALESCE(s.window_start, $2) AS window_start,
            COALESCE(s.window_end, $3) AS window_end, COALESCE(s.paused, false) AS paused
       FROM farm f LEFT JOIN farm_firmware s ON s.farm_id = f.id
      WHERE $1::text[] IS NULL OR f.id = ANY($1::text[])
      ORDER BY f.id`,
    [farmIds ? [...farmIds] : null, DEFAULT_UPDATE_WINDOW.start, DEFAULT_UPDATE_WINDOW.end],
  );
  return new Map(
    rows.map((row) => [row.farm_id, { channel: FirmwareChannelSchema.parse(row.channel), window: { start: row.window_start, end: row.window_end }, paused: row.paused }]),
  );
}

/** Stores a farm's settings after a change; returns them before and after. */
export async function writeFarmSettings(db: Queryable, farmId: string, change: FarmFirmwareChange): Promise<{ before: FarmFirmwareSettings; after: FarmFirmwareSettings }> {
  await db.query('INSERT INTO farm_firmware (farm_id) VALUES ($1) ON CONFLICT (farm_id) DO NOTHING', [farmId]);
  const { rows } = await db.query<SettingsRow>('SELECT farm_id, channel, window_start, window_end, paused FROM farm_firmware WHERE farm_id = $1 FOR UPDATE', [farmId]);
  const row = rows[0]!;
  const before: FarmFirmwareSettings = { channel: FirmwareChannelSchema.parse(row.channel), window: { start: row.window_start, end: row.window_end }, paused: row.paused };
  const after: FarmFirmwareSettings = { channel: change.channel ?? before.channel, window: change.window ?? before.window, paused: change.paused ?? before.paused };
  await db.query('UPDATE farm_firmware SET channel = $2, window_start = $3, window_end = $4, paused = $5, updated_at = now() WHERE farm_id = $1', [
    farmId,
    after.channel,
    after.window.start,
    after.window.end,
    after.paused,
  ]);
  return { before, after };
}

/** The farms whose settings put them on `channel` (farms without settings are on stable). */
export async function farmsOnChannel(db: Queryable, channel: FirmwareChannel): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT f.id FROM farm f LEFT JOIN farm_firmware s ON s.farm_id = f.id WHERE COALESCE(s.channel, 'stable') = $1 ORDER BY f.id`,
    [channel],
  );
  return rows.map((row) => row.id);
}
