import { IdSchema, LocaleSchema, NameSchema, ReleasePublicKeySchema, TimeZoneSchema } from '@tokkatot/shared';
import { z } from 'zod';

/**
 * The edge configuration file (`tokkatot.json`). Every field has an embedded default, so an
 * empty file, or none at all, runs a working controller.
 */
export const EdgeConfigSchema = z.strictObject({
  /** Folder for the database, backups and secrets; relative paths are from the working directory. */
  dataDir: z.string().min(1).default('./data'),
  http: z
    .strictObject({
      /** 0.0.0.0 so the workers' phones on the farm LAN reach it. */
      host: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** Largest request body accepted, in bytes. */
      bodyLimitBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
    })
    .default({ host: '0.0.0.0', port: 8080, bodyLimitBytes: 1024 * 1024 }),
  farm: z
    .strictObject({
      id: IdSchema.optional(),
      name: NameSchema.default('My farm'),
      timezone: TimeZoneSchema.default('Asia/Phnom_Penh'),
      locale: LocaleSchema.default('km'),
    })
    .default({ name: 'My farm', timezone: 'Asia/Phnom_Penh', locale: 'km' }),
  auth: z
    .strictObject({
      accessTokenTtlSeconds: z.number().int().min(60).max(86_400).default(900),
      refreshTokenTtlDays: z.number().int().min(1).max(365).default(30),
      maxFailedLogins: z.number().int().min(1).max(100).default(5),
      lockoutMinutes: z.number().int().min(1).max(24 * 60).default(15),
    })
    .default({ accessTokenTtlSeconds: 900, refreshTokenTtlDays: 30, maxFailedLogins: 5, lockoutMinutes: 15 }),
  telemetry: z
    .strictObject({
      /** Readings are committed at least this often, or as soon as maxBatch are waiting. */
      flushIntervalMs: z.number().int().min(10).max(60_000).default(1000),
      maxBatch: z.number().int().min(1).max(100_000).default(5000),
      rawRetentionDays: z.number().int().min(1).max(3650).default(30),
      minuteRetentionDays: z.number().int().min(1).max(3650).default(30),
      hourRetentionDays: z.number().int().min(1).max(36500).default(365),
      dayRetentionDays: z.number().int().min(1).max(36500).default(5 * 365),
      /** Upper bound for the database on disk (file + WAL), in MiB. */
      diskBudgetMb: z.number().min(1).max(1_000_000).default(2048),
      /** How often retention and the disk budget are enforced. */
      housekeepingIntervalSeconds: z.number().int().min(1).max(86_400).default(600),
    })
    .default({
      flushIntervalMs: 1000,
      maxBatch: 5000,
      rawRetentionDays: 30,
      minuteRetentionDays: 30,
      hourRetentionDays: 365,
      dayRetentionDays: 5 * 365,
      diskBudgetMb: 2048,
      housekeepingIntervalSeconds: 600,
    }),
  nodes: z
    .strictObject({
      /** A node not heard from for this long is offline: its outputs are inactive. */
      offlineAfterSeconds: z.number().int().min(5).max(86_400).default(60),
    })
    .default({ offlineAfterSeconds: 60 }),
  devices: z
    .strictObject({
      /** Simulated coops (the firmware's POSIX build over pseudo-terminals); unset: 2 unless serial ports or MQTT are configured. */
      simulatedCoops: z.number().int().min(0, 'must be 0 or more').max(8, 'must be at most 8').optional(),
      /** Serial ports with an ESP32 each, e.g. /dev/ttyUSB0 (stable names: /dev/serial/by-id/…). */
      serialPaths: z.array(z.string().min(1).max(256)).max(32).default([]),
      /** The farm's Mosquitto, for nodes on Wi-Fi; the password comes from a file, never from this config. */
      mqtt: z
        .strictObject({
          url: z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'must be an mqtt:// or mqtts:// URL'),
          username: z.string().min(1).max(64),
          passwordFile: z.string().min(1).max(256),
        })
        .optional(),
      /** BCM pin of the siren relay. */
      sirenPin: z.number().int().min(0).max(40).default(17),
    })
    .default({ serialPaths: [], sirenPin: 17 }),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .default({ level: 'info' }),
  /** The Tokkatot cloud this farm replicates with; without `url` the farm runs offline (the default). */
  cloud: z
    .strictObject({
      url: z.url().optional(),
      /** Upload cap for metered links (bytes/s); absent = no cap. */
      uploadBytesPerSecond: z.number().int().min(1000).optional(),
      /** Disk budget for raw readings waiting to upload; beyond it the oldest become minute aggregates. */
      readingsBudgetBytes: z.number().int().min(100_000).optional(),
      /** How often new readings are queued for upload: the owners' live values lag by up to this. */
      readingsIntervalSeconds: z.number().int().min(5).max(3600).default(60),
    })
    .default({ readingsIntervalSeconds: 60 }),
  /** Node firmware updates the edge runs by itself (docs/firmware/edge-auto-update.md). */
  firmware: z
    .strictObject({
      /** Release keys this farm trusts (base64 Ed25519 public keys); none = no automatic updates. */
      releaseKeys: z.array(ReleasePublicKeySchema).max(8).default([]),
      /** Download and install the farm's target release by itself; unset = on when releaseKeys are set. */
      autoUpdate: z.boolean().optional(),
      /** How long a new image has to prove itself healthy before the node rolls it back. */
      healthTimeoutS: z.number().int().min(10).max(600).default(90),
      /** How often the target, the update window and the nodes are looked at; unset = every 60 s. */
      checkIntervalSeconds: z.number().int().min(1).max(3600).optional(),
      /** Where downloaded images are kept; relative to dataDir; default `firmware-cache`. */
      cacheDir: z.string().min(1).max(256).default('firmware-cache'),
      /**
       * Wi-Fi pull (docs/firmware/wifi-pull.md): nodes on MQTT fetch images over HTTP from this
       * address of the Pi on the farm LAN. Unset: their images travel as chunks through the broker.
       */
      imageServer: z
        .strictObject({
          /** The Pi's farm-LAN address to listen on (never a public one). */
          host: z.string().min(1).max(253),
          port: z.number().int().min(1).max(65535).default(8090),
          /** The host nodes put in their URLs when `host` is a wildcard such as 0.0.0.0. */
          advertisedHost: z.string().min(1).max(253).optional(),
        })
        .optional(),
    })
    .default({ releaseKeys: [], healthTimeoutS: 90, cacheDir: 'firmware-cache' }),
});
export type EdgeConfig = z.infer<typeof EdgeConfigSchema>;
