import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { DocumentMetaShape, NameSchema } from './common.js';

const CelsiusSchema = z.number().min(-10, 'must be at least -10 °C').max(50, 'must be at most 50 °C');
const DurationSchema = z.number().int().min(0).max(86_400);

/** One fan stage: switches on when the temperature is this far above the target band. */
export const FanStageSchema = z.strictObject({
  outputId: IdSchema,
  onAboveC: z.number().min(0).max(20),
});

/** Minimum ventilation: fans run part of a fixed cycle even when cool, ramped with temperature. */
export const MinimumVentilationSchema = z
  .strictObject({
    outputIds: z.array(IdSchema).min(1).max(16),
    cycleSeconds: z.number().int().min(60).max(3600),
    minOnPercent: z.number().min(0).max(100),
    maxOnPercent: z.number().min(0).max(100),
    /** Degrees above the band's low edge over which the ON part ramps from min to max. */
    rampSpanC: z.number().min(0.1).max(20),
  })
  .refine((mv) => mv.minOnPercent <= mv.maxOnPercent, { message: 'minOnPercent must not exceed maxOnPercent', path: ['maxOnPercent'] });

/** A coop's climate rule: target band with hysteresis, staged fans and heaters, safety limits. */
export const ClimateRuleSchema = z
  .strictObject({
    ...DocumentMetaShape,
    coopId: IdSchema,
    name: NameSchema,
    enabled: z.boolean(),
    /** 'curve' follows the flock's growth-day curve; 'fixed' uses bandLowC/bandHighC as set. */
    target: z.enum(['fixed', 'curve']),
    bandLowC: CelsiusSchema,
    bandHighC: CelsiusSchema,
    hysteresisC: z.number().min(0.1).max(5),
    minOnSeconds: DurationSchema,
    minOffSeconds: DurationSchema,
    maxRunSeconds: z.number().int().min(60).max(86_400).nullable(),
    heaterStages: z.array(z.strictObject({ outputId: IdSchema, onBelowC: z.number().min(0).max(20) })).max(8),
    fanStages: z.array(FanStageSchema).max(8),
    minimumVentilation: MinimumVentilationSchema.nullable(),
    humidityMaxPercent: z.number().min(30).max(100).nullable(),
    /** A reading older than this counts as missing: no heating on stale data. */
    sensorStaleSeconds: z.number().int().min(10).max(3600),
  })
  .refine((rule) => rule.bandLowC < rule.bandHighC, { message: 'bandLowC must be below bandHighC', path: ['bandHighC'] })
  .refine(
    (rule) => {
      const heaters = new Set(rule.heaterStages.map((stage) => stage.outputId));
      return !rule.fanStages.some((stage) => heaters.has(stage.outputId));
    },
    { message: 'an output cannot be both a heater stage and a fan stage', path: ['fanStages'] },
  );
export type ClimateRule = z.infer<typeof ClimateRuleSchema>;

/** Rules are a union so condition schedules and others can join without a new collection. */
export const RuleSchema = ClimateRuleSchema;
export type Rule = ClimateRule;
