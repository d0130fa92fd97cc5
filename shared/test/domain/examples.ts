/** One valid example of each domain document, for tests to mutate. */
const at = Date.UTC(2026, 10, 27, 6, 0, 0);
const meta = { farmId: 'farm-1', hlc: '001795766400000:00000:edge-1', updatedAt: at };

export const examples = {
  farm: { id: 'farm-1', hlc: meta.hlc, updatedAt: at, name: 'Sokha farm', timezone: 'Asia/Phnom_Penh', locale: 'km' },
  coop: { ...meta, id: 'coop-1', name: 'ទ្រុង ១', capacityBirds: 3000 },
  node: { ...meta, id: 'esp32-a1b2c3', coopId: 'coop-1', name: 'Node A', transport: 'serial', firmwareVersion: '1.2.0', hardwareRevision: 2, lastSeenAt: at },
  output: { ...meta, id: 'out-fan-1', coopId: 'coop-1', nodeId: 'esp32-a1b2c3', channel: 0, kind: 'fan', name: 'Fan 1', activeLow: true, failSafeState: 'on', maxOnSeconds: 86_400, dimmable: false, installed: true },
  sensor: { ...meta, id: 'sen-t-1', coopId: 'coop-1', nodeId: 'esp32-a1b2c3', channel: 4, kind: 'temperature', unit: 'degC', name: 'Temp 1', calibration: { offset: -0.3, scale: 1 }, samplePeriodSeconds: 10, installed: true },
  reading: { sensorId: 'sen-t-1', ts: at, status: 'ok', value: 31.7 },
  event: { id: '01KB0000000000000000000000', farmId: 'farm-1', ts: at, coopId: 'coop-1', actorId: null, type: 'output_changed', outputId: 'out-fan-1', state: 'on', level: null, source: 'climate', reason: "fan 1 on: coop 1 at 33.1 °C > 32.0 °C, rule 'cooling'" },
  alarm: { id: 'alarm-1', farmId: 'farm-1', coopId: 'coop-1', kind: 'temperature_high', severity: 'critical', state: 'raised', subjectId: 'sen-t-1', message: 'Coop 1 at 36.0 °C', raisedAt: at, remindedAt: null, acknowledgedAt: null, acknowledgedBy: null, clearedAt: null },
  schedule: { ...meta, id: 'sch-feed', coopId: 'coop-1', outputId: 'out-feeder', name: 'Feeder', enabled: true, weekdays: [0, 1, 2, 3, 4, 5, 6], type: 'cycle', startTime: '06:00', runSeconds: 480, offSeconds: 14_400, repeat: 3 },
  rule: { ...meta, id: 'rule-1', coopId: 'coop-1', name: 'cooling', enabled: true, target: 'curve', bandLowC: 29, bandHighC: 32, hysteresisC: 0.5, minOnSeconds: 60, minOffSeconds: 60, maxRunSeconds: null, heaterStages: [{ outputId: 'out-heat-1', onBelowC: 0 }], fanStages: [{ outputId: 'out-fan-1', onAboveC: 0 }], minimumVentilation: { outputIds: ['out-fan-1'], cycleSeconds: 300, minOnPercent: 10, maxOnPercent: 60, rampSpanC: 3 }, humidityMaxPercent: 85, sensorStaleSeconds: 120 },
  flock: { ...meta, id: 'flock-1', coopId: 'coop-1', name: 'Batch 12', placedOn: '2026-11-20', birdsPlaced: 2800, breed: 'Cobb 500', houseMode: 'growing', targetCurve: [{ day: -1, temperatureC: 33 }, { day: 0, temperatureC: 32 }, { day: 21, temperatureC: 24 }] },
  user: { id: 'user-1', hlc: meta.hlc, updatedAt: at, username: 'sokha', displayName: 'Sokha', phone: '+85512345678', locale: 'km', disabled: false },
  membership: { ...meta, id: 'm-1', userId: 'user-1', role: 'worker' },
} as const;
