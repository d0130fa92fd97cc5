import type { HelloMessage, OutputKind } from '@tokkatot/shared';
import type { NodeConfigTemplate } from '../devices/index.js';
import type { RegistryService } from '../registry/registry-service.js';

/** What a node is told on connect, beyond its registry entries. */
export interface NodeLinkSettings {
  linkTimeoutMs: number;
  heartbeatPeriodMs: number;
  /** Overrides every sensor's sampling period (an accelerated benchmark samples faster than 1 s). */
  samplePeriodMs?: number;
}

export const DEFAULT_LINK_SETTINGS: NodeLinkSettings = { linkTimeoutMs: 10_000, heartbeatPeriodMs: 1000 };

/** Fail-safe and maximum ON by kind, for channels not yet in the registry: nothing that heats or feeds runs unattended. */
export const KIND_DEFAULTS: Record<OutputKind, { failSafe: 'on' | 'off'; maxOnS: number }> = {
  fan: { failSafe: 'on', maxOnS: 86_400 },
  heater: { failSafe: 'off', maxOnS: 3600 },
  feeder: { failSafe: 'off', maxOnS: 900 },
  conveyor: { failSafe: 'off', maxOnS: 1200 },
  light: { failSafe: 'on', maxOnS: 86_400 },
  water_pump: { failSafe: 'off', maxOnS: 600 },
  siren: { failSafe: 'off', maxOnS: 600 },
  relay: { failSafe: 'off', maxOnS: 3600 },
};

/** The configuration pushed to a node after its hello: the registry's fail-safe, max-ON and sampling, or safe defaults. */
export function buildNodeConfig(hello: HelloMessage, registry: Pick<RegistryService, 'listOutputs' | 'listSensors'>, link: NodeLinkSettings): NodeConfigTemplate {
  const outputs = registry.listOutputs().filter((o) => o.nodeId === hello.nodeId);
  const sensors = registry.listSensors().filter((s) => s.nodeId === hello.nodeId);
  return {
    linkTimeoutMs: link.linkTimeoutMs,
    heartbeatPeriodMs: link.heartbeatPeriodMs,
    outputs: hello.outputs.map((o) => {
      const known = outputs.find((item) => item.channel === o.channel);
      const fallback = KIND_DEFAULTS[o.kind];
      return { channel: o.channel, failSafe: known?.failSafeState ?? fallback.failSafe, maxOnS: known?.maxOnSeconds ?? fallback.maxOnS };
    }),
    sensors: hello.sensors.map((s) => {
      const known = sensors.find((item) => item.channel === s.channel);
      return {
        channel: s.channel,
        samplePeriodMs: link.samplePeriodMs ?? (known?.samplePeriodSeconds ?? 10) * 1000,
        offset: known?.calibration.offset ?? 0,
        scale: known?.calibration.scale ?? 1,
      };
    }),
  };
}
