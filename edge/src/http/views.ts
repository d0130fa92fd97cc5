import type { Coop, Output, Sensor } from '@tokkatot/shared';
import { structureOutputReason } from '../automation/reason-structure.js';
import type { Edge } from '../edge.js';

/** An output as the app shows it: configuration, whether it can be controlled, what it does and why. */
export function outputView(edge: Edge, output: Output, now = edge.clock.now()) {
  const activity = edge.registry.outputActivity(output, now);
  const decision = edge.arbiter.decisionOf(output.id) ?? edge.repositories.outputState.get(output.id) ?? null;
  const manual = edge.commands.activeFor(output.id);
  return {
    ...output,
    active: activity.active,
    inactiveReason: activity.inactiveReason,
    current: decision ? { state: decision.state, level: decision.level, source: decision.source, reason: decision.reason, why: structureOutputReason(decision.reason), since: decision.since } : null,
    manual: manual ? { commandId: manual.id, userId: manual.userId, state: manual.state, level: manual.level, reason: manual.reason, expiresAt: manual.expiresAt } : null,
  };
}

export function sensorView(edge: Edge, sensor: Sensor, now = edge.clock.now()) {
  const activity = edge.registry.sensorActivity(sensor, now);
  const latest = edge.telemetry.latest(sensor.id) ?? null;
  return { ...sensor, active: activity.active, inactiveReason: activity.inactiveReason, latest: latest ? { ts: latest.ts, value: latest.value, failure: latest.failure } : null };
}

/** A coop with the live state of everything in it. */
export function coopView(edge: Edge, coop: Coop) {
  const now = edge.clock.now();
  return {
    ...coop,
    outputs: edge.registry.listOutputs({ coopId: coop.id }).map((output) => outputView(edge, output, now)),
    sensors: edge.registry.listSensors({ coopId: coop.id }).map((sensor) => sensorView(edge, sensor, now)),
    openAlarms: edge.alarms.list({ coopId: coop.id, states: ['raised', 'acknowledged'], limit: 50 }).length,
  };
}

export function nodeView(edge: Edge, node: ReturnType<Edge['registry']['getNode']>) {
  return { ...node, online: edge.registry.isOnline(node) };
}
