import type { Coop, Farm, Node as FarmNode, Output, Sensor } from '@tokkatot/shared';
import type { SqliteDatabase } from '../edge-database.js';
import { prepareCached } from '../statement-cache.js';

/** What a node announced about itself in its last hello. */
export interface NodeCapabilities {
  outputs?: { channel: number; kind?: string }[];
  sensors?: { channel: number; kinds: string[] }[];
}

export type NodeRecord = FarmNode & { capabilities: NodeCapabilities; firstSeenAt: number };


type Row = Record<string, unknown>;
const bool = (value: unknown): boolean => value === 1;
const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

function toFarm(row: Row): Farm {
  const location = row.location_json === null ? undefined : (JSON.parse(row.location_json as string) as Farm['location']);
  return {
    id: row.id as string,
    hlc: row.hlc as string,
    updatedAt: row.updated_at as number,
    name: row.name as string,
    timezone: row.timezone as string,
    locale: row.locale as Farm['locale'],
    ...(location ? { location } : {}),
  };
}

function toCoop(row: Row): Coop {
  const capacity = opt(row.capacity_birds as number | null);
  return {
    id: row.id as string,
    farmId: row.farm_id as string,
    hlc: row.hlc as string,
    updatedAt: row.updated_at as number,
    name: row.name as string,
    ...(capacity === undefined ? {} : { capacityBirds: capacity }),
  };
}

function toNode(row: Row): NodeRecord {
  return {
    id: row.id as string,
    farmId: row.farm_id as string,
    hlc: row.hlc as string,
    updatedAt: row.updated_at as number,
    coopId: row.coop_id as string | null,
    name: row.name as string,
    transport: row.transport as FarmNode['transport'],
    firmwareVersion: row.firmware_version as string,
    hardwareRevision: row.hardware_revision as number,
    lastSeenAt: row.last_seen_at as number | null,
    capabilities: JSON.parse(row.capabilities_json as string) as NodeCapabilities,
    firstSeenAt: row.first_seen_at as number,
  };
}

function toOutput(row: Row): Output {
  return {
    id: row.id as string,
    farmId: row.farm_id as string,
    hlc: row.hlc as string,
    updatedAt: row.updated_at as number,
    coopId: row.coop_id as string,
    nodeId: row.node_id as string,
    channel: row.channel as number,
    kind: row.kind as Output['kind'],
    name: row.name as string,
    activeLow: bool(row.active_low),
    failSafeState: row.fail_safe_state as Output['failSafeState'],
    maxOnSeconds: row.max_on_seconds as number,
    dimmable: bool(row.dimmable),
    installed: bool(row.installed),
  };
}

function toSensor(row: Row): Sensor {
  return {
    id: row.id as string,
    farmId: row.farm_id as string,
    hlc: row.hlc as string,
    updatedAt: row.updated_at as number,
    coopId: row.coop_id as string,
    nodeId: row.node_id as string,
    channel: row.channel as number,
    kind: row.kind as Sensor['kind'],
    unit: row.unit as Sensor['unit'],
    name: row.name as string,
    calibration: JSON.parse(row.calibration_json as string) as Sensor['calibration'],
    samplePeriodSeconds: row.sample_period_seconds as number,
    installed: bool(row.installed),
  };
}

/** Farm, coops, nodes, outputs and sensors: the only SQL for the registry. */
export class RegistryRepository {
  constructor(private readonly db: SqliteDatabase) {}

  getFarm(): Farm | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM farm LIMIT 1').get() as Row | undefined;
    return row ? toFarm(row) : undefined;
  }

  saveFarm(farm: Farm): void {
    prepareCached(this.db, 
        `INSERT INTO farm (id, name, timezone, locale, location_json, hlc, updated_at) VALUES (@id, @name, @timezone, @locale, @location, @hlc, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone, locale = excluded.locale,
           location_json = excluded.location_json, hlc = excluded.hlc, updated_at = excluded.updated_at`,
      )
      .run({ ...farm, location: farm.location ? JSON.stringify(farm.location) : null });
  }

  listCoops(): Coop[] {
    return (prepareCached(this.db, 'SELECT * FROM coops ORDER BY name, id').all() as Row[]).map(toCoop);
  }

  getCoop(id: string): Coop | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM coops WHERE id = ?').get(id) as Row | undefined;
    return row ? toCoop(row) : undefined;
  }

  saveCoop(coop: Coop): void {
    prepareCached(this.db, 
        `INSERT INTO coops (id, farm_id, name, capacity_birds, hlc, updated_at) VALUES (@id, @farmId, @name, @capacity, @hlc, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, capacity_birds = excluded.capacity_birds, hlc = excluded.hlc, updated_at = excluded.updated_at`,
      )
      .run({ ...coop, capacity: coop.capacityBirds ?? null });
  }

  listNodes(): NodeRecord[] {
    return (prepareCached(this.db, 'SELECT * FROM nodes ORDER BY id').all() as Row[]).map(toNode);
  }

  getNode(id: string): NodeRecord | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM nodes WHERE id = ?').get(id) as Row | undefined;
    return row ? toNode(row) : undefined;
  }

  saveNode(node: NodeRecord): void {
    prepareCached(this.db, 
        `INSERT INTO nodes (id, farm_id, coop_id, name, transport, firmware_version, hardware_revision, capabilities_json, first_seen_at, last_seen_at, hlc, updated_at)
         VALUES (@id, @farmId, @coopId, @name, @transport, @firmwareVersion, @hardwareRevision, @capabilities, @firstSeenAt, @lastSeenAt, @hlc, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET coop_id = excluded.coop_id, name = excluded.name, transport = excluded.transport,
           firmware_version = excluded.firmware_version, hardware_revision = excluded.hardware_revision,
           capabilities_json = excluded.capabilities_json, last_seen_at = excluded.last_seen_at, hlc = excluded.hlc, updated_at = excluded.updated_at`,
      )
      .run({ ...node, capabilities: JSON.stringify(node.capabilities) });
  }

  /** Records that a node was heard from (heartbeats are frequent: no HLC bump, no document change). */
  touchNode(id: string, seenAt: number): boolean {
    return prepareCached(this.db, 'UPDATE nodes SET last_seen_at = MAX(COALESCE(last_seen_at, 0), ?) WHERE id = ?').run(seenAt, id).changes > 0;
  }

  listOutputs(filter: { coopId?: string } = {}): Output[] {
    const rows = filter.coopId
      ? prepareCached(this.db, 'SELECT * FROM outputs WHERE coop_id = ? ORDER BY name, id').all(filter.coopId)
      : prepareCached(this.db, 'SELECT * FROM outputs ORDER BY coop_id, name, id').all();
    return (rows as Row[]).map(toOutput);
  }

  getOutput(id: string): Output | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM outputs WHERE id = ?').get(id) as Row | undefined;
    return row ? toOutput(row) : undefined;
  }

  saveOutput(output: Output): void {
    prepareCached(this.db, 
        `INSERT INTO outputs (id, farm_id, coop_id, node_id, channel, kind, name, active_low, fail_safe_state, max_on_seconds, dimmable, installed, hlc, updated_at)
         VALUES (@id, @farmId, @coopId, @nodeId, @channel, @kind, @name, @activeLow, @failSafeState, @maxOnSeconds, @dimmable, @installed, @hlc, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET coop_id = excluded.coop_id, node_id = excluded.node_id, channel = excluded.channel, kind = excluded.kind,
           name = excluded.name, active_low = excluded.active_low, fail_safe_state = excluded.fail_safe_state, max_on_seconds = excluded.max_on_seconds,
           dimmable = excluded.dimmable, installed = excluded.installed, hlc = excluded.hlc, updated_at = excluded.updated_at`,
      )
      .run({ ...output, activeLow: Number(output.activeLow), dimmable: Number(output.dimmable), installed: Number(output.installed) });
  }

  listSensors(filter: { coopId?: string } = {}): Sensor[] {
    const rows = filter.coopId
      ? prepareCached(this.db, 'SELECT * FROM sensors WHERE coop_id = ? ORDER BY name, id').all(filter.coopId)
      : prepareCached(this.db, 'SELECT * FROM sensors ORDER BY coop_id, name, id').all();
    return (rows as Row[]).map(toSensor);
  }

  getSensor(id: string): Sensor | undefined {
    const row = prepareCached(this.db, 'SELECT * FROM sensors WHERE id = ?').get(id) as Row | undefined;
    return row ? toSensor(row) : undefined;
  }

  saveSensor(sensor: Sensor): void {
    prepareCached(this.db, 
        `INSERT INTO sensors (id, farm_id, coop_id, node_id, channel, kind, unit, name, calibration_json, sample_period_seconds, installed, hlc, updated_at)
         VALUES (@id, @farmId, @coopId, @nodeId, @channel, @kind, @unit, @name, @calibration, @samplePeriodSeconds, @installed, @hlc, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET coop_id = excluded.coop_id, node_id = excluded.node_id, channel = excluded.channel, kind = excluded.kind,
           unit = excluded.unit, name = excluded.name, calibration_json = excluded.calibration_json,
           sample_period_seconds = excluded.sample_period_seconds, installed = excluded.installed, hlc = excluded.hlc, updated_at = excluded.updated_at`,
      )
      .run({ ...sensor, calibration: JSON.stringify(sensor.calibration), installed: Number(sensor.installed) });
  }
}

