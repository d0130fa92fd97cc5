import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { DocumentMetaShape, NameSchema } from './common.js';

export const SensorKindSchema = z.enum(['temperature', 'humidity', 'water_level', 'ammonia', 'power']);
export type SensorKind = z.infer<typeof SensorKindSchema>;

/** The one unit each kind is reported in; conversions happen at the node, never downstream. */
export const SENSOR_UNITS = {
  temperature: 'degC',
  humidity: 'percentRH',
  water_level: 'raw',
  ammonia: 'ppm',
  power: 'W',
} as const satisfies Record<SensorKind, string>;
export const SensorUnitSchema = z.enum(['degC', 'percentRH', 'raw', 'ppm', 'W']);

/** Plausible physical ranges: a value outside is a sensor fault, not a reading. */
export const SENSOR_PLAUSIBLE_RANGE = {
  temperature: { min: -20, max: 70 },
  humidity: { min: 0, max: 100 },
  water_level: { min: 0, max: 4095 },
  ammonia: { min: 0, max: 500 },
  power: { min: 0, max: 100_000 },
} as const satisfies Record<SensorKind, { min: number; max: number }>;

/** Linear calibration applied at the node: value = raw * scale + offset. */
export const CalibrationSchema = z.strictObject({
  offset: z.number().min(-1000).max(1000).default(0),
  scale: z.number().min(0.01).max(100).default(1),
  /** Water level only: the raw count read with the tank half full, measured at install. */
  halfFullRaw: z.number().int().min(0).max(4095).optional(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export const SensorSchema = z
  .strictObject({
    ...DocumentMetaShape,
    coopId: IdSchema,
    nodeId: IdSchema,
    channel: z.number().int().min(0).max(31),
    kind: SensorKindSchema,
    unit: SensorUnitSchema,
    name: NameSchema,
    calibration: CalibrationSchema,
    samplePeriodSeconds: z.number().int().min(1).max(3600).default(10),
    installed: z.boolean(),
  })
  .refine((sensor) => sensor.unit === SENSOR_UNITS[sensor.kind], {
    message: 'unit does not match the sensor kind (temperature: degC, humidity: percentRH, water_level: raw, ammonia: ppm, power: W)',
    path: ['unit'],
  })
  .refine((sensor) => sensor.kind === 'water_level' || sensor.calibration.halfFullRaw === undefined, {
    message: 'only water-level sensors have a half-full calibration',
    path: ['calibration', 'halfFullRaw'],
  });
export type Sensor = z.infer<typeof SensorSchema>;
