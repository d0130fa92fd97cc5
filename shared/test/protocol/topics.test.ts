import { describe, expect, it } from 'vitest';
import {
  MESSAGE_TYPE_CODES,
  buildFarmNodesFilter,
  buildMessageTopic,
  buildStatusTopic,
  parseNodeTopic,
  type MessageType,
} from '../../src/protocol/index.js';

describe('device MQTT topics', () => {
  it('puts every message under tokkatot/<farm>/node/<node>/ and reads it back', () => {
    for (const type of Object.keys(MESSAGE_TYPE_CODES) as MessageType[]) {
      const topic = buildMessageTopic('farm-1', 'node-a', type);
      expect(topic.startsWith('tokkatot/farm-1/node/node-a/')).toBe(true);
      expect(parseNodeTopic(topic)).toEqual({ farmId: 'farm-1', nodeId: 'node-a', kind: 'message', type });
    }
    expect(buildMessageTopic('f', 'n', 'setOutput')).toBe('tokkatot/f/node/n/cmd/set-output');
    expect(parseNodeTopic(buildStatusTopic('f', 'n'))).toEqual({ farmId: 'f', nodeId: 'n', kind: 'status' });
    expect(buildFarmNodesFilter('f')).toBe('tokkatot/f/node/+/#');
  });

  it('refuses ids that would escape their topic level', () => {
    expect(() => buildMessageTopic('farm/1', 'n', 'ping')).toThrow(/farm id/);
    expect(() => buildMessageTopic('f', '+', 'ping')).toThrow(/node id/);
    expect(() => buildStatusTopic('f', '#')).toThrow();
  });

  it('ignores topics that are not node topics', () => {
    for (const topic of ['tokkatot/f/node/n', 'tokkatot/f/edge/n/status', 'other/f/node/n/status', 'tokkatot/f/node/n/cmd/unknown', 'tokkatot/f/node//status']) {
      expect(parseNodeTopic(topic)).toBeNull();
    }
  });
});
