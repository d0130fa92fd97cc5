import { MESSAGE_TYPE_CODES, type MessageType } from './codes.js';

/** Root of every Tokkatot topic on the farm broker. */
export const TOPIC_ROOT = 'tokkatot';

/** Topic level of each message: node messages go up under the node, edge messages under cmd/. */
export const MESSAGE_TOPICS = {
  hello: 'hello',
  heartbeat: 'heartbeat',
  readings: 'readings',
  ack: 'ack',
  nack: 'nack',
  state: 'state',
  fault: 'fault',
  updateStatus: 'update-status',
  config: 'cmd/config',
  setOutput: 'cmd/set-output',
  ping: 'cmd/ping',
  helloRequest: 'cmd/hello-request',
  updateBegin: 'cmd/update-begin',
  updateChunk: 'cmd/update-chunk',
  updateCommit: 'cmd/update-commit',
  updateConfirm: 'cmd/update-confirm',
  updateFetch: 'cmd/update-fetch',
} as const satisfies Record<MessageType, string>;

/** Retained "online" / "offline"; the node's last will publishes "offline" there. */
export const STATUS_TOPIC = 'status';
export const NODE_ONLINE = 'online';
export const NODE_OFFLINE = 'offline';

const LEVEL = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function checkLevel(value: string, what: string): string {
  if (!LEVEL.test(value)) throw new RangeError(`${what} "${value}" cannot be a topic level`);
  return value;
}

/** tokkatot/<farmId>/node/<nodeId>: the node's MQTT user may use only topics below it. */
export function buildNodeTopicPrefix(farmId: string, nodeId: string): string {
  return `${TOPIC_ROOT}/${checkLevel(farmId, 'farm id')}/node/${checkLevel(nodeId, 'node id')}`;
}

/** The topic a message to or from one node travels on. */
export function buildMessageTopic(farmId: string, nodeId: string, type: MessageType): string {
  return `${buildNodeTopicPrefix(farmId, nodeId)}/${MESSAGE_TOPICS[type]}`;
}

export function buildStatusTopic(farmId: string, nodeId: string): string {
  return `${buildNodeTopicPrefix(farmId, nodeId)}/${STATUS_TOPIC}`;
}

/** The subscription that receives everything every node of a farm sends. */
export function buildFarmNodesFilter(farmId: string): string {
  return `${TOPIC_ROOT}/${checkLevel(farmId, 'farm id')}/node/+/#`;
}

export type ParsedTopic =
  | { farmId: string; nodeId: string; kind: 'status' }
  | { farmId: string; nodeId: string; kind: 'message'; type: MessageType };

const BY_SUFFIX = new Map<string, MessageType>(
  (Object.keys(MESSAGE_TYPE_CODES) as MessageType[]).map((type) => [MESSAGE_TOPICS[type], type]),
);

/** Reads a node topic back; null for anything that is not one of ours. */
export function parseNodeTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length < 5 || parts[0] !== TOPIC_ROOT || parts[2] !== 'node') return null;
  const farmId = parts[1] as string;
  const nodeId = parts[3] as string;
  if (!LEVEL.test(farmId) || !LEVEL.test(nodeId)) return null;
  const suffix = parts.slice(4).join('/');
  if (suffix === STATUS_TOPIC) return { farmId, nodeId, kind: 'status' };
  const type = BY_SUFFIX.get(suffix);
  return type === undefined ? null : { farmId, nodeId, kind: 'message', type };
}
