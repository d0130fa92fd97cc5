import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AlarmService } from './alarms/alarm-service.js';
import { AccessTokens } from './auth/access-tokens.js';
import { AuthService } from './auth/auth-service.js';
import { PasswordHasher, type PasswordCost } from './auth/passwords.js';
import { systemClock, type Clock } from './clock.js';
import { CommandService } from './commands/command-service.js';
import { OutputArbiter } from './commands/output-arbiter.js';
import { FakeOutputDriver, type OutputDriver } from './commands/output-driver.js';
import type { EdgeConfig } from './config/index.js';
import { createRepositories, openDatabase, type EdgeDatabase, type Repositories } from './db/index.js';
import { EdgeBus } from './events/edge-bus.js';
import { EventLog } from './events/event-log.js';
import { createHlcSource, type HlcSource } from './hlc-source.js';
import { createDeviceSink, type DeviceSink } from './registry/device-sink.js';
import { RegistryService } from './registry/registry-service.js';
import { Housekeeper } from './telemetry/housekeeper.js';
import { TelemetryService } from './telemetry/telemetry-service.js';

export interface EdgeOptions {
  config: EdgeConfig;
  clock?: Clock;
  /** The real DeviceManager once connected; until then an in-memory driver. */
  driver?: OutputDriver;
  passwordCost?: PasswordCost;
  log?: (message: string, detail?: unknown) => void;
}

/** The edge controller's services, wired over one database. No I/O happens until start(). */
export interface Edge {
  config: EdgeConfig;
  clock: Clock;
  database: EdgeDatabase;
  repositories: Repositories;
  bus: EdgeBus;
  hlc: HlcSource;
  events: EventLog;
  registry: RegistryService;
  arbiter: OutputArbiter;
  commands: CommandService;
  telemetry: TelemetryService;
  housekeeper: Housekeeper;
  alarms: AlarmService;
  auth: AuthService;
  deviceSink: DeviceSink;
  driver: OutputDriver;
  startedAt: number;
  /** Whether start() has completed and stop() has not begun. */
  isReady(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const DATABASE_FILE = 'tokkatot.db';

/** The database path for a data folder. */
export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/** Opens the database (creating and migrating it) and wires every core service. */
export function createEdge(options: EdgeOptions): Edge {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const database = openDatabase(databasePath(config.dataDir));
  const repositories = createRepositories(database);
  const bus = new EdgeBus();
  const hlc = createHlcSource(repositories.meta, clock);
  let farmId = repositories.registry.getFarm()?.id ?? '';
  const events = new EventLog(repositories.events, bus, clock, () => farmId);
  const registry = new RegistryService({
    database,
    registry: repositories.registry,
    events,
    bus,
    hlc,
    clock,
    options: { offlineAfterSeconds: config.nodes.offlineAfterSeconds },
  });
  farmId = registry.ensureFarm(config.farm).id;
  const timezone = registry.farm().timezone;
  const driver = options.driver ?? new FakeOutputDriver();
  const arbiter = new OutputArbiter({
    database,
    outputState: repositories.outputState,
    events,
    bus,
    driver,
    clock,
    describeOutput: (outputId) => {
      const output = repositories.registry.getOutput(outputId);
      return output ? { coopId: output.coopId, active: registry.outputActivity(output).active } : undefined;
    },
    ...(options.log ? { log: options.log } : {}),
  });
  const commands = new CommandService({ database, commands: repositories.commands, registry, arbiter, events, clock });
  const telemetry = new TelemetryService({ readings: repositories.readings, bus, clock, options: { ...config.telemetry, timezone } });
  const housekeeper = new Housekeeper({ database, readings: repositories.readings, events, clock, options: config.telemetry });
  const alarms = new AlarmService({ database, alarms: repositories.alarms, events, clock, farmId: () => farmId });
  const jwtSecret = repositories.meta.getOrCreate('jwt_secret', () => randomBytes(48).toString('base64url'));
  const auth = new AuthService({
    database,
    users: repositories.users,
    refreshTokens: repositories.refreshTokens,
    passwords: new PasswordHasher(options.passwordCost),
    accessTokens: new AccessTokens(jwtSecret, config.auth.accessTokenTtlSeconds, clock),
    events,
    hlc,
    clock,
    policy: config.auth,
  });

  let ready = false;
  const unsubscribers: (() => void)[] = [];
  const edge: Edge = {
    config,
    clock,
    database,
    repositories,
    bus,
    hlc,
    events,
    registry,
    arbiter,
    commands,
    telemetry,
    housekeeper,
    alarms,
    auth,
    driver,
    deviceSink: createDeviceSink(registry, telemetry),
    startedAt: clock.now(),
    isReady: () => ready,
    async start() {
      registry.start();
      arbiter.start();
      commands.start();
      housekeeper.run();
      housekeeper.start();
      // A node that (re)connects says hello: it gets its outputs' current decisions again.
      unsubscribers.push(
        bus.on('nodeSeen', ({ nodeId, kind }) => {
          if (kind !== 'hello') return;
          for (const output of repositories.registry.listOutputs().filter((item) => item.nodeId === nodeId)) void arbiter.resend(output.id);
        }),
        bus.on('readingsIngested', () => housekeeper.checkBudget()),
      );
      await arbiter.reevaluateAll();
      ready = true;
    },
    async stop() {
      ready = false;
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      housekeeper.stop();
      arbiter.stop();
      telemetry.stop();
      registry.stop();
      database.close();
    },
  };
  return edge;
}
