import {
  CoopSchema,
  NodeSchema,
  OutputSchema,
  SensorSchema,
  TokkatotError,
  newId,
  parseOrThrow,
  type Coop,
  type Farm,
  type NodeTransport,
  type Output,
  type Sensor,
} from '@tokkatot/shared';
import type { Clock } from '../clock.js';
import type { EdgeDatabase, NodeCapabilities, NodeRecord, RegistryRepository } from '../db/index.js';
import type { EdgeBus } from '../events/edge-bus.js';
import type { EventLog } from '../events/event-log.js';
import type { HlcSource } from '../hlc-source.js';

/** What a node says when it (re)connects. The device layer maps its protocol hello to this. */
export interface NodeHello {
  nodeId: string;
  transport: NodeTransport;
  firmwareVersion: string;
  hardwareRevision: number;
  capabilities?: NodeCapabilities;
}

export type InactiveReason = 'not_installed' | 'node_unassigned' | 'node_in_other_coop' | 'node_missing' | 'node_offline';

export interface Activity {
  active: boolean;
  inactiveReason: InactiveReason | null;
}

export type OutputInput = Omit<Output, 'id' | 'farmId' | 'hlc' | 'updatedAt'>;
export type SensorInput = Omit<Sensor, 'id' | 'farmId' | 'hlc' | 'updatedAt'>;

export interface RegistryOptions {
  offlineAfterSeconds: number;
  /** Heartbeats are kept in memory and written together this often (one transaction, not one fsync each). */
  lastSeenFlushSeconds?: number;
}

/**
 * Farm, coops, nodes, outputs and sensors. Nodes register themselves by hello; an installer or
 * manager assigns them to coops and names outputs. An output is active only when installed, on
 * a node assigned to its coop that has been heard from recently; nothing inactive is driven.
 */
export class RegistryService {
  /** Last-seen times not yet written, by node. */
  private readonly seen = new Map<string, number>();
  private knownNodes: Set<string> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      database: EdgeDatabase;
      registry: RegistryRepository;
      events: EventLog;
      bus: EdgeBus;
      hlc: HlcSource;
      clock: Clock;
      options: RegistryOptions;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.flushLastSeen(), (this.deps.options.lastSeenFlushSeconds ?? 30) * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flushLastSeen();
  }

  /** Writes the heartbeats gathered in memory, in one transaction. */
  flushLastSeen(): void {
    if (this.seen.size === 0) return;
    const pending = [...this.seen];
    this.seen.clear();
    this.deps.database.transaction(() => {
      for (const [nodeId, at] of pending) this.deps.registry.touchNode(nodeId, at);
    });
  }

  /** Creates the farm row on first start (ids are never renamed afterwards). */
  ensureFarm(defaults: { id?: string; name: string; timezone: string; locale: Farm['locale'] }): Farm {
    const existing = this.deps.registry.getFarm();
    if (existing) return existing;
    const farm: Farm = {
      id: defaults.id ?? `farm-${newId(this.deps.clock.now()).toLowerCase()}`,
      hlc: this.deps.hlc.tick(),
      updatedAt: this.deps.clock.now(),
      name: defaults.name,
      timezone: defaults.timezone,
      locale: defaults.locale,
    };
    this.deps.registry.saveFarm(farm);
    return farm;
  }

  farm(): Farm {
    const farm = this.deps.registry.getFarm();
    if (!farm) throw new TokkatotError('NOT_READY', 'The farm is not set up yet.');
    return farm;
  }

  updateFarm(patch: Partial<Pick<Farm, 'name' | 'timezone' | 'locale' | 'location'>>, actorId: string | null): Farm {
    return this.deps.database.transaction(() => {
      const before = this.farm();
      const farm: Farm = { ...before, ...patch, hlc: this.deps.hlc.tick(), updatedAt: this.deps.clock.now() };
      this.deps.registry.saveFarm(farm);
      this.configChanged(null, actorId, `farm settings changed`, { before: strip(before), after: strip(farm) });
      return farm;
    });
  }

  listCoops(): Coop[] {
    return this.deps.registry.listCoops();
  }

  getCoop(id: string): Coop {
    return this.deps.registry.getCoop(id) ?? notFound('coop', id);
  }

  createCoop(input: { id?: string; name: string; capacityBirds?: number }, actorId: string | null): Coop {
    return this.deps.database.transaction(() => {
      const id = input.id ?? newId(this.deps.clock.now());
      if (this.deps.registry.getCoop(id)) throw new TokkatotError('CONFLICT', `A coop with id "${id}" already exists.`);
      const coop = parseOrThrow(CoopSchema, { ...input, id, ...this.meta() }, 'coop');
      this.deps.registry.saveCoop(coop);
      this.configChanged(coop.id, actorId, `coop "${coop.name}" added`, { coopId: coop.id });
      return coop;
    });
  }

  updateCoop(id: string, patch: { name?: string; capacityBirds?: number }, actorId: string | null): Coop {
    return this.deps.database.transaction(() => {
      const before = this.getCoop(id);
      const coop = parseOrThrow(CoopSchema, { ...before, ...patch, ...this.meta() }, 'coop');
      this.deps.registry.saveCoop(coop);
      this.configChanged(id, actorId, `coop "${coop.name}" changed`, { before: strip(before), after: strip(coop) });
      return coop;
    });
  }

  listNodes(): NodeRecord[] {
    return this.deps.registry.listNodes().map((node) => this.withSeen(node));
  }

  getNode(id: string): NodeRecord {
    const node = this.deps.registry.getNode(id);
    return node ? this.withSeen(node) : notFound('node', id);
  }

  isOnline(node: Pick<NodeRecord, 'lastSeenAt'>, now = this.deps.clock.now()): boolean {
    return node.lastSeenAt !== null && now - node.lastSeenAt <= this.deps.options.offlineAfterSeconds * 1000;
  }

  /** A node said hello: register it on first sight (unassigned), refresh what it runs otherwise. */
  recordHello(hello: NodeHello): NodeRecord {
    const now = this.deps.clock.now();
    const node = this.deps.database.transaction(() => {
      const existing = this.deps.registry.getNode(hello.nodeId);
      const base = existing ?? {
        id: hello.nodeId,
        farmId: this.farm().id,
        coopId: null,
        name: hello.nodeId,
        firstSeenAt: now,
        capabilities: {},
      };
      const record: NodeRecord = {
        ...base,
        ...parseOrThrow(
          NodeSchema,
          {
            id: base.id,
            coopId: base.coopId,
            name: base.name,
            transport: hello.transport,
            firmwareVersion: hello.firmwareVersion,
            hardwareRevision: hello.hardwareRevision,
            lastSeenAt: now,
            ...this.meta(),
          },
          'node hello',
        ),
        capabilities: hello.capabilities ?? base.capabilities,
        firstSeenAt: base.firstSeenAt,
      };
      this.deps.registry.saveNode(record);
      this.seen.delete(record.id);
      this.knownNodes?.add(record.id);
      if (!existing) this.configChanged(null, null, `node ${record.id} discovered (firmware ${record.firmwareVersion})`, { nodeId: record.id });
      else if (existing.firmwareVersion !== record.firmwareVersion) {
        this.configChanged(record.coopId, null, `node ${record.id} now runs firmware ${record.firmwareVersion}`, {
          nodeId: record.id,
          before: existing.firmwareVersion,
          after: record.firmwareVersion,
        });
      }
      return record;
    });
    this.deps.bus.emit('nodeSeen', { nodeId: node.id, at: now, kind: 'hello' });
    return node;
  }

  /** A heartbeat (or any frame) from a node: it is alive. Unknown nodes must say hello first. */
  recordHeartbeat(nodeId: string, at = this.deps.clock.now()): boolean {
    this.knownNodes ??= new Set(this.deps.registry.listNodes().map((node) => node.id));
    if (!this.knownNodes.has(nodeId)) return false;
    if (at > (this.seen.get(nodeId) ?? 0)) this.seen.set(nodeId, at);
    this.deps.bus.emit('nodeSeen', { nodeId, at, kind: 'heartbeat' });
    return true;
  }

  updateNode(id: string, patch: { coopId?: string | null; name?: string }, actorId: string | null): NodeRecord {
    return this.deps.database.transaction(() => {
      const before = this.getNode(id);
      if (patch.coopId) this.getCoop(patch.coopId);
      if (patch.coopId !== undefined && patch.coopId !== before.coopId) {
        const attached = [...this.deps.registry.listOutputs(), ...this.deps.registry.listSensors()].filter((item) => item.nodeId === id);
        if (attached.length > 0) {
          throw new TokkatotError('CONFLICT', `Node ${id} still has ${attached.length} output(s)/sensor(s) in its coop; move or remove them first.`);
        }
      }
      this.seen.delete(id);
      const node: NodeRecord = {
        ...before,
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.coopId === undefined ? {} : { coopId: patch.coopId }),
        ...this.meta(),
      };
      this.deps.registry.saveNode(node);
      this.configChanged(node.coopId ?? before.coopId, actorId, `node ${id} changed`, {
        before: { coopId: before.coopId, name: before.name },
        after: { coopId: node.coopId, name: node.name },
      });
      return node;
    });
  }

  listOutputs(filter: { coopId?: string } = {}): Output[] {
    return this.deps.registry.listOutputs(filter);
  }

  getOutput(id: string): Output {
    return this.deps.registry.getOutput(id) ?? notFound('output', id);
  }

  createOutput(input: OutputInput & { id?: string }, actorId: string | null): Output {
    return this.deps.database.transaction(() => {
      const id = input.id ?? newId(this.deps.clock.now());
      if (this.deps.registry.getOutput(id)) throw new TokkatotError('CONFLICT', `An output with id "${id}" already exists.`);
      const output = parseOrThrow(OutputSchema, { ...input, id, ...this.meta() }, 'output');
      this.checkPlacement(output);
      this.deps.registry.saveOutput(output);
      this.configChanged(output.coopId, actorId, `output "${output.name}" added`, { outputId: id });
      return output;
    });
  }

  updateOutput(id: string, patch: Partial<OutputInput>, actorId: string | null): Output {
    return this.deps.database.transaction(() => {
      const before = this.getOutput(id);
      const output = parseOrThrow(OutputSchema, { ...before, ...patch, ...this.meta() }, 'output');
      this.checkPlacement(output);
      this.deps.registry.saveOutput(output);
      this.configChanged(output.coopId, actorId, `output "${output.name}" changed`, { outputId: id, before: strip(before), after: strip(output) });
      return output;
    });
  }

  listSensors(filter: { coopId?: string } = {}): Sensor[] {
    return this.deps.registry.listSensors(filter);
  }

  getSensor(id: string): Sensor {
    return this.deps.registry.getSensor(id) ?? notFound('sensor', id);
  }

  createSensor(input: SensorInput & { id?: string }, actorId: string | null): Sensor {
    return this.deps.database.transaction(() => {
      const id = input.id ?? newId(this.deps.clock.now());
      if (this.deps.registry.getSensor(id)) throw new TokkatotError('CONFLICT', `A sensor with id "${id}" already exists.`);
      const sensor = parseOrThrow(SensorSchema, { ...input, id, ...this.meta() }, 'sensor');
      this.checkPlacement(sensor);
      this.deps.registry.saveSensor(sensor);
      this.configChanged(sensor.coopId, actorId, `sensor "${sensor.name}" added`, { sensorId: id });
      return sensor;
    });
  }

  updateSensor(id: string, patch: Partial<SensorInput>, actorId: string | null): Sensor {
    return this.deps.database.transaction(() => {
      const before = this.getSensor(id);
      const sensor = parseOrThrow(SensorSchema, { ...before, ...patch, ...this.meta() }, 'sensor');
      this.checkPlacement(sensor);
      this.deps.registry.saveSensor(sensor);
      this.configChanged(sensor.coopId, actorId, `sensor "${sensor.name}" changed`, { sensorId: id, before: strip(before), after: strip(sensor) });
      return sensor;
    });
  }

  /** Whether an output may be offered for control and driven now, and if not, why. */
  outputActivity(output: Output, now = this.deps.clock.now()): Activity {
    if (!output.installed) return inactive('not_installed');
    const stored = this.deps.registry.getNode(output.nodeId);
    if (!stored) return inactive('node_missing');
    const node = this.withSeen(stored);
    if (node.coopId === null) return inactive('node_unassigned');
    if (node.coopId !== output.coopId) return inactive('node_in_other_coop');
    if (!this.isOnline(node, now)) return inactive('node_offline');
    return { active: true, inactiveReason: null };
  }

  sensorActivity(sensor: Sensor, now = this.deps.clock.now()): Activity {
    return this.outputActivity({ installed: sensor.installed, nodeId: sensor.nodeId, coopId: sensor.coopId } as Output, now);
  }

  private withSeen(node: NodeRecord): NodeRecord {
    const seen = this.seen.get(node.id);
    return seen !== undefined && seen > (node.lastSeenAt ?? 0) ? { ...node, lastSeenAt: seen } : node;
  }

  private checkPlacement(item: { coopId: string; nodeId: string }): void {
    this.getCoop(item.coopId);
    const node = this.getNode(item.nodeId);
    if (node.coopId !== item.coopId) {
      throw new TokkatotError('CONFLICT', `Node ${node.id} is not assigned to coop ${item.coopId}; assign the node to the coop first.`);
    }
  }

  private meta(): { farmId: string; hlc: string; updatedAt: number } {
    return { farmId: this.farm().id, hlc: this.deps.hlc.tick(), updatedAt: this.deps.clock.now() };
  }

  private configChanged(coopId: string | null, actorId: string | null, summary: string, detail: Record<string, unknown>): void {
    this.deps.events.append({ type: 'config_changed', coopId, actorId, summary, detail: detail as never });
  }
}

function inactive(reason: InactiveReason): Activity {
  return { active: false, inactiveReason: reason };
}

function notFound(what: string, id: string): never {
  throw new TokkatotError('NOT_FOUND', `No ${what} with id "${id}".`);
}

/** Drops bookkeeping fields from a before/after snapshot. */
function strip<T extends object>(document: T): Record<string, unknown> {
  const { hlc: _hlc, updatedAt: _updatedAt, ...rest } = document as Record<string, unknown>;
  return rest;
}
