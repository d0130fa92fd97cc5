/**
 * The edge store: the only place that touches SQLite. Other parts get repositories, or the raw
 * `SqliteDatabase` handle through `EdgeDatabase.db` (sync and automation stores live under
 * edge/src/db/sync and edge/src/db/automation and add their own migrations to ./migrations).
 */
import type { EdgeDatabase } from './edge-database.js';
import { AlarmsRepository } from './repositories/alarms-repository.js';
import { CommandsRepository } from './repositories/commands-repository.js';
import { EventsRepository } from './repositories/events-repository.js';
import { MetaRepository } from './repositories/meta-repository.js';
import { OutputStateRepository } from './repositories/output-state-repository.js';
import { ReadingsRepository } from './repositories/readings-repository.js';
import { RegistryRepository } from './repositories/registry-repository.js';
import { RefreshTokensRepository, UsersRepository } from './repositories/users-repository.js';

export { EdgeDatabase, openDatabase, checkDatabaseFile, type SqliteDatabase, type OpenOptions, type DatabaseFileCheck } from './edge-database.js';
export { migrate, readMigrations, MIGRATIONS_DIR, type Migration, type MigrationReport } from './migrate.js';
export { AlarmsRepository } from './repositories/alarms-repository.js';
export { CommandsRepository, type CommandRecord, type CommandStatus } from './repositories/commands-repository.js';
export { EventsRepository, type EventQuery, type StoredEvent } from './repositories/events-repository.js';
export { MetaRepository } from './repositories/meta-repository.js';
export { OutputStateRepository, type OutputStateRecord } from './repositories/output-state-repository.js';
export { ReadingsRepository, type Resolution, type RollupDelta, type RawPoint, type RollupPoint, type StoredRawPoint } from './repositories/readings-repository.js';
export { RegistryRepository, type NodeRecord, type NodeCapabilities } from './repositories/registry-repository.js';
export { UsersRepository, RefreshTokensRepository, type UserRecord, type RefreshTokenRecord } from './repositories/users-repository.js';

/** Every core repository over one database. */
export interface Repositories {
  meta: MetaRepository;
  registry: RegistryRepository;
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  commands: CommandsRepository;
  outputState: OutputStateRepository;
  events: EventsRepository;
  alarms: AlarmsRepository;
  readings: ReadingsRepository;
}

export function createRepositories(database: EdgeDatabase): Repositories {
  const db = database.db;
  return {
    meta: new MetaRepository(db),
    registry: new RegistryRepository(db),
    users: new UsersRepository(db),
    refreshTokens: new RefreshTokensRepository(db),
    commands: new CommandsRepository(db),
    outputState: new OutputStateRepository(db),
    events: new EventsRepository(db),
    alarms: new AlarmsRepository(db),
    readings: new ReadingsRepository(db),
  };
}
