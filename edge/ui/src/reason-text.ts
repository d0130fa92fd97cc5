import type { ReasonPart } from './api/types.js';
import type { MessageKey } from './i18n/en.js';
import { fill, formatNumber, toKhmerDigits, type Locale, type Translate } from './i18n/i18n.js';

/**
 * Says an output's "why" or an alarm's message in the chosen language from its structured form;
 * null when there is none or its code is unknown (the caller then shows the edge's sentence).
 */
export function formatWhy(t: Translate, locale: Locale, why: ReasonPart | null | undefined): string | null {
  if (!why) return null;
  const deg = (value: number | undefined) => formatNumber(locale, value ?? 0, 1);
  const int = (value: number | undefined) => formatNumber(locale, value ?? 0, 0);
  const time = (text: string) => (locale === 'km' ? toKhmerDigits(text) : text);
  const say = (key: MessageKey, values: Record<string, string> = {}) => fill(t(key), values);
  const join = (...parts: Array<string | null>) => parts.filter(Boolean).join(locale === 'km' ? ' ' : ', ');
  const until = why.until ? say('why_until', { time: time(why.until) }) : null;
  switch (why.code) {
    case 'above':
      return say(why.hysteresis ? 'why_above_hyst' : 'why_above', { value: deg(why.valueC), limit: deg(why.limitC) });
    case 'not_above':
      return say('why_not_above', { value: deg(why.valueC), limit: deg(why.limitC) });
    case 'below':
      return say(why.hysteresis ? 'why_below_hyst' : 'why_below', { value: deg(why.valueC), limit: deg(why.limitC) });
    case 'not_below':
      return say('why_not_below', { value: deg(why.valueC), limit: deg(why.limitC) });
    case 'no_reading_fans_hold':
      return say('why_no_reading_fans_hold');
    case 'no_reading_no_heat':
      return say('why_no_reading_no_heat');
    case 'minimum_ventilation': {
      const humid = why.humidityPercent != null && why.humidityLimitPercent != null ? say('why_humid', { value: int(why.humidityPercent), limit: int(why.humidityLimitPercent) }) : null;
      return join(humid, say(why.offPart ? 'why_min_vent_off' : 'why_min_vent', { percent: int(why.percent), cycle: int(why.cycleSeconds) }));
    }
    case 'house_mode':
      return say(why.stops === 'heating' ? 'why_mode_heating' : 'why_mode_cooling', { mode: t(`mode_${why.mode}` as MessageKey) ?? why.mode ?? '' });
    case 'interlock':
      return say('why_interlock');
    case 'max_run':
      return say('why_max_run', { seconds: int(why.seconds) });
    case 'max_run_rest':
      return say('why_max_run_rest', { time: time(why.until ?? '') });
    case 'min_time':
      return say(why.held === 'off' ? 'why_min_time_off' : 'why_min_time_on', { time: time(why.until ?? '') });
    case 'schedule_on':
      return join(say('why_schedule_on', { name: why.schedule ?? '', time: time(why.since ?? '') }), until);
    case 'schedule_idle':
      return join(say('why_schedule_idle', { name: why.schedule ?? '' }), why.next ? say('why_next_run', { time: time(why.next) }) : null);
    case 'schedule_off':
      return say('why_schedule_off', { name: why.schedule ?? '' });
    case 'schedule_late':
      return join(say('why_schedule_late', { name: why.schedule ?? '', time: time(why.missed ?? '') }), until);
    case 'schedules_paused':
      return say('why_schedules_paused');
    case 'manual':
      return join(why.by ? say('why_manual_by', { by: why.by }) : say('why_manual'), until);
    case 'default':
      return say('why_default');
    case 'too_hot':
      return say('alarmwhy_too_hot', { value: deg(why.valueC), limit: deg(why.limitC) });
    case 'too_cold':
      return say('alarmwhy_too_cold', { value: deg(why.valueC), limit: deg(why.limitC) });
    case 'sensor_loss':
      return say('alarmwhy_sensor_loss');
    case 'sensor_left_out':
      return say('alarmwhy_sensor_left_out', { sensor: why.sensor ?? '' });
    case 'water_low':
      return say('alarmwhy_water_low', { seconds: int(why.seconds) });
    case 'node_silent':
      return say('alarmwhy_node_silent', { node: why.node ?? '', seconds: int(why.seconds) });
    case 'output_unconfirmed':
      return say(why.state === 'off' ? 'alarmwhy_unconfirmed_off' : 'alarmwhy_unconfirmed_on', { output: why.output ?? '' });
    case 'alarm_test':
      return say('alarmwhy_alarm_test');
    default:
      return null;
  }
}
