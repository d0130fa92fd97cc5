import { performance } from 'node:perf_hooks';
import type { FirmwareTarget } from '@tokkatot/shared';
import { CommandLedger, SqliteForkStore, SqliteOutbox, SyncStateStore } from '../db/sync/index.js';
import type { Edge } from '../edge.js';
import { EdgeSyncClient, PairingClient, type EdgeCredential, type EdgeSyncStatus } from '../sync/index.js';
import { AlarmSettingsSync } from './alarm-settings-sync.js';
import { AutomationSync } from './automation-sync.js';
import { CloudCommandExecutor } from './cloud-command-executor.js';
import { ConfigExporter } from './config-exporter.js';
import { ConfigImporter } from './config-importer.js';
import { EventExporter } from './event-exporter.js';
import { readFirmwareTarget, requestFirmwareDownloadUrl } from './firmware-target-source.js';
import { ReadingsExporter } from './readings-exporter.js';

export interface CloudLinkOptions {
  /** The cloud's base URL (config `cloud.url`). */
  url: string;
  uploadBytesPerSecond?: number;
  readingsBudgetBytes?: number;
  /** How often raw readings are batched into the outbox (default one minute). */
  readingsIntervalMs?: number;
  /** How often a full sync pass runs without triggers (default one minute). */
  periodicSyncMs?: number;
  /** How often configuration pulled from the cloud is applied to the registry and the automation (default 5 s). */
  configImportMs?: number;
  /** How often pairing asks the cloud whether the owner entered the code (default 3 s). */
  pairingPollMs?: number;
  log?: (message: string, detail?: unknown) => void;
}

/** What `GET /api/sync/status` answers. */
export type CloudLinkStatus = ({ state: 'not_paired' } & { pairing: PairingState }) | (EdgeSyncStatus & { farmId: string; edgeId: string });

/** Where pairing stands, for the LAN app and the CLI. */
export type PairingState = { state: 'paired'; farmId: string; edgeId: string } | { state: 'waiting'; claimCode: string; expiresAt: number } | { state: 'idle' };

/**
 * The edge's link to the Tokkatot cloud: pairing, then the sync client with the event and
 * readings exporters and cloud commands routed through the arbiter. Before pairing nothing is
 * queued; once paired (at start or when pairing completes) everything runs without a restart.
 */
export class CloudLink {
  private readonly outbox: SqliteOutbox;
  private readonly docs: SqliteForkStore;
  private readonly ledger: CommandLedger;
  private readonly state: SyncStateStore;
  readonly pairing: PairingClient;
  private sync: EdgeSyncClient | undefined;
  private events: EventExporter | undefined;
  private readings: ReadingsExporter | undefined;
  private config: ConfigExporter | undefined;
  private automation: AutomationSync | undefined;
  private alarmSettings: AlarmSettingsSync | undefined;
  private waiting: { claimCode: string; expiresAt: number } | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private importTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly edge: Edge,
    private readonly options: CloudLinkOptions,
  ) {
    const sqlite = edge.database.db;
    this.outbox = new SqliteOutbox(sqlite);
    this.docs = new SqliteForkStore(sqlite, this.outbox, () => edge.clock.now());
    this.ledger = new CommandLedger(sqlite);
    this.state = new SyncStateStore(sqlite);
    this.pairing = new PairingClient(options.url, this.state, () => edge.clock.now());
  }

  /** Starts syncing when already paired; otherwise waits for `claim()`. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const credential = this.pairing.credential();
    if (credential) this.startSync(credential);
    else {
      // `tokkatot pair` stores the credential from another process: pick it up without a restart.
      this.watchTimer = setInterval(() => {
        if (!this.edge.database.db.open) return;
        const stored = this.pairing.credential();
        if (stored && !this.sync) this.startSync(stored);
      }, this.options.pairingPollMs ?? 3000);
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.pollTimer);
    clearInterval(this.watchTimer);
    clearInterval(this.importTimer);
    this.importTimer = undefined;
    this.pollTimer = undefined;
    this.watchTimer = undefined;
    this.events?.stop();
    this.readings?.stop();
    this.config?.stop();
    this.automation?.stop();
    this.alarmSettings?.stop();
    await this.sync?.stop();
    this.sync = undefined;
    this.events = undefined;
    this.readings = undefined;
    this.config = undefined;
    this.automation = undefined;
    this.alarmSettings = undefined;
  }

  /** The sync client, once paired and started (tests, "sync now"). */
  client(): EdgeSyncClient | undefined {
    return this.sync;
  }

  /** The farm's firmware target as last pulled; undefined while unpaired or when the cloud set none. */
  firmwareTarget(): FirmwareTarget | undefined {
    const credential = this.pairing.credential();
    return credential ? readFirmwareTarget(this.docs, credential.farmId, this.options.log) : undefined;
  }

  /** A short-lived signed URL of a release's image, asked with this edge's credential. */
  async firmwareDownloadUrl(release: { version: string; board: string }): Promise<unknown> {
    const credential = this.pairing.credential();
    if (!credential) throw new Error('this edge is not paired with the cloud');
    return requestFirmwareDownloadUrl(this.options.url, credential.token, release);
  }

  /**
   * Returns the claim code to show and keeps polling in the background until the owner enters
   * it; then the credential is stored and syncing starts.
   */
  async claim(edgeName: string): Promise<PairingState> {
    const credential = this.pairing.credential();
    if (credential) return { state: 'paired', farmId: credential.farmId, edgeId: credential.edgeId };
    this.waiting = await this.pairing.claimCode(edgeName);
    this.schedulePoll();
    return { state: 'waiting', ...this.waiting };
  }

  pairingState(): PairingState {
    const credential = this.pairing.credential();
    if (credential) return { state: 'paired', farmId: credential.farmId, edgeId: credential.edgeId };
    if (this.waiting && this.waiting.expiresAt > this.edge.clock.now()) return { state: 'waiting', ...this.waiting };
    return { state: 'idle' };
  }

  /** Asks the cloud once; starts syncing when the credential arrives. */
  async pollPairing(): Promise<PairingState> {
    const answer = await this.pairing.poll();
    const credential = this.pairing.credential();
    if (answer === 'paired' && credential) {
      this.waiting = undefined;
      if (this.started && !this.sync) this.startSync(credential);
    } else if (answer === 'expired') this.waiting = undefined;
    return this.pairingState();
  }

  status(): CloudLinkStatus {
    const credential = this.pairing.credential();
    if (!this.sync || !credential) return { state: 'not_paired', pairing: this.pairingState() };
    return { ...this.sync.status(), farmId: credential.farmId, edgeId: credential.edgeId };
  }

  private schedulePoll(): void {
    if (this.pollTimer || !this.started) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.pollPairing().then(
        (state) => {
          if (state.state === 'waiting') this.schedulePoll();
        },
        (error: unknown) => {
          this.options.log?.('pairing poll failed; retrying', { error: (error as Error).message });
          this.schedulePoll();
        },
      );
    }, this.options.pairingPollMs ?? 3000);
  }

  private startSync(credential: EdgeCredential): void {
    const { edge, options } = this;
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    const executor = new CloudCommandExecutor({
      registry: edge.registry,
      arbiter: edge.arbiter,
      events: edge.events,
      clock: edge.clock,
      alarms: edge.alarms,
      commands: edge.commands,
      ...(options.log ? { log: options.log } : {}),
    });
    executor.restore();
    const sync = new EdgeSyncClient({
      baseUrl: options.url,
      farmId: credential.farmId,
      // HLC node name: "edge-" marks the owner of safety-critical fields.
      replicaName: `edge-${credential.farmId}`,
      token: () => this.pairing.credential()?.token,
      store: this.docs,
      outbox: this.outbox,
      ledger: this.ledger,
      executeCommand: (command) => executor.execute(command),
      now: () => edge.clock.now(),
      monotonic: () => performance.now(),
      random: Math.random,
      ...(options.uploadBytesPerSecond ? { uploadBytesPerSecond: options.uploadBytesPerSecond } : {}),
      ...(options.readingsBudgetBytes ? { readingsBudgetBytes: options.readingsBudgetBytes } : {}),
      ...(options.periodicSyncMs ? { periodicSyncMs: options.periodicSyncMs } : {}),
    });
    this.sync = sync;
    this.events = new EventExporter({ database: edge.database, events: edge.events, bus: edge.bus, outbox: this.outbox, state: this.state, cloudFarmId: credential.farmId, onExported: () => sync.trigger() });
    this.readings = new ReadingsExporter({ database: edge.database, readings: edge.repositories.readings, outbox: this.outbox, state: this.state, intervalMs: options.readingsIntervalMs ?? 60_000, onExported: () => sync.trigger() });
    this.config = new ConfigExporter({
      database: edge.database,
      registry: edge.registry,
      bus: edge.bus,
      docs: this.docs,
      cloudFarmId: credential.farmId,
      onExported: () => sync.trigger(),
      ...(options.log ? { log: options.log } : {}),
    });
    const importer = new ConfigImporter({ registry: edge.registry, docs: this.docs, ...(options.log ? { log: options.log } : {}) });
    const automationDeps = {
      database: edge.database,
      meta: edge.repositories.meta,
      registry: edge.registry,
      events: edge.events,
      bus: edge.bus,
      docs: this.docs,
      state: this.state,
      hlc: edge.hlc,
      clock: edge.clock,
      cloudFarmId: credential.farmId,
      onExported: () => sync.trigger(),
      ...(options.log ? { log: options.log } : {}),
    };
    const automation = new AutomationSync(automationDeps);
    const alarmSettings = new AlarmSettingsSync(automationDeps);
    this.automation = automation;
    this.alarmSettings = alarmSettings;
    this.events.start();
    this.readings.start();
    this.config.start();
    automation.start();
    alarmSettings.start();
    // The sync client has no "pulled" hook; the documents are few, so a periodic comparison is cheap.
    this.importTimer = setInterval(() => {
      if (!edge.database.db.open) return;
      importer.applyPulled();
      automation.run();
      alarmSettings.run();
    }, options.configImportMs ?? 5000);
    sync.start();
  }
}
