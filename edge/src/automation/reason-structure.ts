/**
 * The structured form of the automation's "why" sentences and alarm messages, so the app can say
 * them in the worker's language. The sentence stays the record (logs, events, the cloud); the
 * structure is read back from it with the exact wording its builders use (climate.ts,
 * schedule.ts, arbitration.ts, alarm-conditions.ts, the command service), which the tests pin
 * against those builders. Reading it at answer time also covers decisions stored before a
 * restart and reasons that pass through string-only inputs (the output arbiter's).
 *
 * Times stay as the farm's "HH:MM" text; temperatures in °C. Unknown wording gives null, and the
 * app shows the sentence.
 */
export type OutputReasonPart =
  | { code: 'above'; valueC: number; limitC: number; hysteresis: boolean }
  | { code: 'not_above'; valueC: number; limitC: number }
  | { code: 'below'; valueC: number; limitC: number; hysteresis: boolean }
  | { code: 'not_below'; valueC: number; limitC: number }
  | { code: 'no_reading_fans_hold' }
  | { code: 'no_reading_no_heat' }
  | { code: 'minimum_ventilation'; percent: number; cycleSeconds: number; offPart: boolean; humidityPercent: number | null; humidityLimitPercent: number | null }
  | { code: 'house_mode'; mode: string; stops: 'cooling' | 'heating' }
  | { code: 'interlock' }
  | { code: 'max_run'; seconds: number }
  | { code: 'max_run_rest'; until: string }
  | { code: 'min_time'; held: 'on' | 'off'; until: string }
  | { code: 'schedule_on'; schedule: string; since: string | null; until: string | null }
  | { code: 'schedule_idle'; schedule: string; next: string | null }
  | { code: 'schedule_off'; schedule: string }
  | { code: 'schedule_late'; schedule: string; missed: string; until: string | null }
  | { code: 'schedules_paused' }
  | { code: 'manual'; by: string | null; until: string | null }
  | { code: 'default' };

export type AlarmMessagePart =
  | { code: 'too_hot'; valueC: number; limitC: number }
  | { code: 'too_cold'; valueC: number; limitC: number }
  | { code: 'sensor_loss' }
  | { code: 'sensor_left_out'; sensor: string; cause: string }
  | { code: 'water_low'; seconds: number }
  | { code: 'node_silent'; node: string; seconds: number }
  | { code: 'output_unconfirmed'; output: string; state: 'on' | 'off' }
  | { code: 'alarm_test' };

const NUM = '(-?\\d+(?:\\.\\d+)?)';
const TIME = '(\\d{2}:\\d{2}(?::\\d{2})?)';
const n = (text: string | undefined): number => Number(text);

/** Drops "<output> on: " and the climate rule's ", rule '…'[, since HH:MM]" tail. */
function core(sentence: string): string {
  let text = sentence.replace(/^.*? (?:on|off): /s, '');
  text = text.replace(new RegExp(`, rule '[^']*'(?:, since ${TIME})?$`), '');
  return text;
}

/** The structured "why" of an output decision, or null for wording it does not know. */
export function structureOutputReason(sentence: string): OutputReasonPart | null {
  // The arbiter's own default has no output name in front.
  if (/^(?:on|off): no schedule, rule or manual command asks for it$/.test(sentence)) return { code: 'default' };
  const text = core(sentence);
  let m: RegExpMatchArray | null;
  if ((m = text.match(new RegExp(`^held (on|off) for its minimum (?:ON|OFF) time until ${TIME} \\(.*\\)$`, 's')))) return { code: 'min_time', held: m[1] as 'on' | 'off', until: m[2]! };
  if ((m = text.match(new RegExp(`^resting after max run time until ${TIME}$`)))) return { code: 'max_run_rest', until: m[1]! };
  if ((m = text.match(/^max run time of (\d+) s reached$/))) return { code: 'max_run', seconds: n(m[1]) };
  if (/^interlock[:,] a fan of .* is on(?: \(.*\))?$/s.test(text)) return { code: 'interlock' };
  if ((m = text.match(/^house mode (\S+): no (cooling|heating)$/))) return { code: 'house_mode', mode: m[1]!, stops: m[2] as 'cooling' | 'heating' };
  if (/ has no trusted temperature: holding ventilation$/s.test(text)) return { code: 'no_reading_fans_hold' };
  if (/ has no trusted temperature: never heat without a reading/s.test(text)) return { code: 'no_reading_no_heat' };
  if ((m = text.match(new RegExp(`(?:humidity (\\d+) % above ${NUM} %, )?minimum ventilation (\\d+) % of (\\d+) s( \\(OFF part\\))?$`)))) {
    return {
      code: 'minimum_ventilation',
      percent: n(m[3]),
      cycleSeconds: n(m[4]),
      offPart: m[5] !== undefined,
      humidityPercent: m[1] === undefined ? null : n(m[1]),
      humidityLimitPercent: m[2] === undefined ? null : n(m[2]),
    };
  }
  if ((m = text.match(new RegExp(` at ${NUM} °C > ${NUM} °C$`, 's')))) return { code: 'above', valueC: n(m[1]), limitC: n(m[2]), hysteresis: false };
  if ((m = text.match(new RegExp(` at ${NUM} °C, above ${NUM} °C \\(hysteresis\\)$`, 's')))) return { code: 'above', valueC: n(m[1]), limitC: n(m[2]), hysteresis: true };
  if ((m = text.match(new RegExp(` at ${NUM} °C ≤ ${NUM} °C$`, 's')))) return { code: 'not_above', valueC: n(m[1]), limitC: n(m[2]) };
  if ((m = text.match(new RegExp(` at ${NUM} °C < ${NUM} °C$`, 's')))) return { code: 'below', valueC: n(m[1]), limitC: n(m[2]), hysteresis: false };
  if ((m = text.match(new RegExp(` at ${NUM} °C, below ${NUM} °C \\(hysteresis\\)$`, 's')))) return { code: 'below', valueC: n(m[1]), limitC: n(m[2]), hysteresis: true };
  if ((m = text.match(new RegExp(` at ${NUM} °C ≥ ${NUM} °C$`, 's')))) return { code: 'not_below', valueC: n(m[1]), limitC: n(m[2]) };
  if ((m = text.match(new RegExp(`^schedule '(.*)' late run for ${TIME}, missed while the controller was off(?:, until ${TIME})?$`, 's')))) {
    return { code: 'schedule_late', schedule: m[1]!, missed: m[2]!, until: m[3] ?? null };
  }
  if ((m = text.match(new RegExp(`^schedule '(.*)' idle \\(.*\\)(?:, next run ${TIME})?$`, 's')))) return { code: 'schedule_idle', schedule: m[1]!, next: m[2] ?? null };
  if ((m = text.match(/^schedule '(.*)' (?:disabled|not run: .*)$/s))) return { code: 'schedule_off', schedule: m[1]! };
  if ((m = text.match(new RegExp(`^schedule '(.*)' .* since ${TIME}(?:, until ${TIME})?$`, 's')))) return { code: 'schedule_on', schedule: m[1]!, since: m[2]!, until: m[3] ?? null };
  if (/^schedules paused, /.test(text)) return { code: 'schedules_paused' };
  if (text === 'nothing asks for it (default)') return { code: 'default' };
  // The arbitration's manual sentence ("manual by ana (note) until 14:00, since 13:00") and the
  // command service's ("manual by ana: fan check").
  if ((m = text.match(new RegExp(`^manual(?: by (\\S+))?(?: \\(.*\\))? until ${TIME}, since ${TIME}$`, 's')))) return { code: 'manual', by: m[1] ?? null, until: m[2]! };
  if ((m = sentence.match(/^manual(?: by (\S+))?: /))) return { code: 'manual', by: m[1] ?? null, until: null };
  return null;
}

/** The structured form of an alarm message, or null for wording it does not know. */
export function structureAlarmMessage(message: string): AlarmMessagePart | null {
  let m: RegExpMatchArray | null;
  if ((m = message.match(new RegExp(` too hot: ${NUM} °C > ${NUM} °C$`, 's')))) return { code: 'too_hot', valueC: n(m[1]), limitC: n(m[2]) };
  if ((m = message.match(new RegExp(` too cold: ${NUM} °C < ${NUM} °C$`, 's')))) return { code: 'too_cold', valueC: n(m[1]), limitC: n(m[2]) };
  if (/: no trusted temperature; heaters off, minimum ventilation running$/s.test(message)) return { code: 'sensor_loss' };
  if ((m = message.match(/: sensor (.*) left out \(([a-z_]+): .*\)$/s))) return { code: 'sensor_left_out', sensor: m[1]!, cause: m[2]! };
  if ((m = message.match(/: water level below half for (\d+) s$/s))) return { code: 'water_low', seconds: n(m[1]) };
  if ((m = message.match(/^node (.*) silent for more than (\d+) s$/s))) return { code: 'node_silent', node: m[1]!, seconds: n(m[2]) };
  if ((m = message.match(/^(.*) did not confirm switching (on|off)$/s))) return { code: 'output_unconfirmed', output: m[1]!, state: m[2] as 'on' | 'off' };
  if (message === 'scheduled alarm test: the siren should sound now') return { code: 'alarm_test' };
  return null;
}
