import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAutomationDocuments, saveAutomationDocuments } from '../../src/control/index.js';
import { makeRule } from '../automation/fixtures.js';
import { PASSWORD, T0, signInAllRoles } from '../helpers.js';
import { serveEdge, type ServedEdge } from '../webapp/support/serve-edge.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, phonePage, visibleTexts } from './support/browser.js';
import { buildUiInto } from './support/build-ui.js';
import { foreignStrings, loadCatalogues, type Messages } from './support/catalogues.js';
import { seedFarm } from './support/seed-farm.js';

// T0 is 13:00 on 1 June 2026 on the farm's clock: a flock placed on 22 May is on growth day 10.
const FLOCK = {
  coopId: 'coop-1',
  name: 'Batch 8',
  placedOn: '2026-05-22',
  birdsPlaced: 2000,
  breed: 'Ross 308',
  houseMode: 'growing',
  targetCurve: [
    { day: 0, temperatureC: 33 },
    { day: 7, temperatureC: 30 },
    { day: 14, temperatureC: 28 },
    { day: 21, temperatureC: 25 },
  ],
};

/** A message with its placeholders filled, figures in Khmer digits (as the app writes them). */
function say(messages: Messages, key: string, values: Record<string, string>): string {
  const khmer = (text: string) => text.replace(/[0-9]/g, (digit) => '០១២៣៤៥៦៧៨៩'[Number(digit)]!);
  return messages(key).replace(/\{(\w+)\}/g, (_, name: string) => khmer(values[name] ?? ''));
}

describe('a manager editing curves, stages, ventilation, alarm limits and a duty cycle (Chromium, 360×740)', () => {
  let ui: ReturnType<typeof buildUiInto>;
  let served: ServedEdge;
  let browser: Browser;
  let page: Page;
  let km: Messages;
  let en: Messages;
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;
  const documents = () => loadAutomationDocuments(served.test.edge.repositories.meta);
  /** What the core API says about fan 1 now (the automation's decision, with its structured why). */
  const fanWhy = async () => {
    const response = await served.test.app.inject({ url: '/api/coops', headers: { authorization: `Bearer ${tokens.worker}` } });
    const coop = (response.json() as { coops: Array<{ id: string; outputs: Array<{ id: string; current: { why: unknown } | null }> }> }).coops.find((item) => item.id === 'coop-1');
    return coop?.outputs.find((output) => output.id === 'fan-1')?.current?.why ?? null;
  };
  const openFold = async (testId: string) => {
    const fold = page.getByTestId(testId);
    if ((await fold.getAttribute('open')) === null) await fold.locator('summary').click();
    return fold;
  };

  beforeAll(async () => {
    ui = buildUiInto();
    // No heartbeats here: keep the node online while the clock moves on.
    served = await serveEdge({ root: ui.root, automation: true, overrides: { nodes: { offlineAfterSeconds: 86_400 } } });
    tokens = await signInAllRoles(served.test);
    await seedFarm(served);
    const meta = served.test.edge.repositories.meta;
    saveAutomationDocuments(meta, { ...loadAutomationDocuments(meta), climateRules: [makeRule({ target: 'curve', minOnSeconds: 0, minOffSeconds: 0, fanStages: [{ outputId: 'fan-1', onAboveC: 0 }], heaterStages: [{ outputId: 'heater-1', onBelowC: 0 }] })] });
    // Placing the flock through the API also makes the automation re-read its documents.
    const placed = await served.web.inject({ method: 'PUT', url: '/api/flocks/flock-1', payload: FLOCK, headers: { authorization: `Bearer ${tokens.manager}` } });
    if (placed.statusCode !== 200) throw new Error(placed.body);
    served.automation!.engine.ingestReading({ sensorId: 'temp-1', ts: T0, status: 'ok', value: 33.1 });
    ({ km, en } = await loadCatalogues());
    browser = await launchChromium();
    page = await phonePage(browser);
    await page.goto(`${served.url}/`);
    await page.locator('#username').fill('manager');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: km('signIn'), exact: true }).click();
    await page.getByRole('navigation').getByRole('link', { name: km('navManage') }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    ui?.remove();
  });

  it('refuses a repeated day in the curve with a field error, then moves, removes and adds bend points', async () => {
    await openFold('fold-curve-coop-1');
    const form = page.getByTestId('curve-flock-1');
    await form.locator('#curve-flock-1-day-1').fill('0');
    await form.getByRole('button', { name: km('saveCurve') }).click();
    await form.getByText(km('errDayRepeated')).waitFor();
    expect(await form.locator('#curve-flock-1-day-1').getAttribute('aria-invalid')).toBe('true');
    expect(documents().flocks[0]!.targetCurve).toEqual(FLOCK.targetCurve);

    await form.locator('#curve-flock-1-day-1').fill('10');
    await form.locator('#curve-flock-1-temperature-1').fill('27');
    await form.getByRole('button', { name: `${km('curveRemovePoint')} 14` }).click();
    await form.getByRole('button', { name: km('curveAddPoint') }).click();
    await form.locator('#curve-flock-1-day-3').fill('35');
    await form.locator('#curve-flock-1-temperature-3').fill('21');
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: km('saveCurve') }).click();
    await form.getByText(km('curveSaved')).waitFor();
    expect(documents().flocks[0]!.targetCurve).toEqual([
      { day: 0, temperatureC: 33 },
      { day: 10, temperatureC: 27 },
      { day: 21, temperatureC: 25 },
      { day: 35, temperatureC: 21 },
    ]);
    // Day 10's target is now 27 °C, with the rule's 4 °C band around it.
    const targets = await served.web.inject({ url: '/api/coop-targets', headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(targets.json().targets).toEqual([{ coopId: 'coop-1', lowC: 25, highC: 29, targetC: 27, growthDay: 10 }]);
  });

  it('moves fan 1’s stage to 5.5 °C above the band after refusing 25 °C, and the automation stops the fan', async () => {
    // Before: the first curve's day-10 target (29.1 °C) puts the band's top at 31.1 °C, and fan 1 runs.
    await expect.poll(fanWhy).toEqual({ code: 'above', valueC: 33.1, limitC: 31.1, hysteresis: false });
    await openFold('fold-stages-coop-1');
    const form = page.getByTestId('stages-rule-1');
    await form.locator('#fan-degrees-rule-1-0').fill('25');
    await form.getByRole('button', { name: km('saveStages') }).click();
    await form.getByText(say(km, 'errRange', { min: '0', max: '20' })).waitFor();
    expect(documents().climateRules[0]!.fanStages).toEqual([{ outputId: 'fan-1', onAboveC: 0 }]);
    await form.locator('#fan-degrees-rule-1-0').fill('5.5');
    await form.locator('#maxRunMinutes-rule-1').fill('30');
    await form.getByRole('button', { name: km('saveStages') }).click();
    await form.getByText(km('stagesSaved')).waitFor();
    expect(documents().climateRules[0]).toMatchObject({ fanStages: [{ outputId: 'fan-1', onAboveC: 5.5 }], heaterStages: [{ outputId: 'heater-1', onBelowC: 0 }], hysteresisC: 0.5, maxRunSeconds: 1800 });
    // The edited curve and stage together: 27 °C target + 2 °C half band + 5.5 °C = 34.5 °C (more than the 0.5 °C hysteresis above 33.1 °C).
    await expect.poll(fanWhy).toEqual({ code: 'not_above', valueC: 33.1, limitC: 34.5 });
  });

  it('sets a humidity limit after refusing one out of range', async () => {
    await openFold('fold-ventilation-coop-1');
    const form = page.getByTestId('ventilation-rule-1');
    await form.getByLabel(km('humidityLimitOn')).check();
    await form.locator('#mv-humidity-rule-1').fill('20');
    await form.getByRole('button', { name: km('saveVentilation') }).click();
    await form.getByText(say(km, 'errRange', { min: '30', max: '100' })).waitFor();
    await form.locator('#mv-humidity-rule-1').fill('85');
    await form.getByRole('button', { name: km('saveVentilation') }).click();
    await form.getByText(km('ventilationSaved')).waitFor();
    expect(documents().climateRules[0]).toMatchObject({ humidityMaxPercent: 85, minimumVentilation: null });
  });

  it('lowers the too-hot alarm to 31 °C after refusing a cold limit above it; the automation raises the alarm', async () => {
    const form = page.getByTestId('alarm-settings');
    await form.locator('#alarm-temperatureLowC').fill('40');
    await form.getByRole('button', { name: km('saveAlarms') }).click();
    await form.getByText(km('errLowAboveHigh')).waitFor();
    expect(documents().alarms).toBeUndefined();
    await form.locator('#alarm-temperatureLowC').fill('15');
    await form.locator('#alarm-temperatureHighC').fill('31');
    await form.locator('#alarm-temperatureDelaySeconds').fill('0');
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: km('saveAlarms') }).click();
    await form.getByText(km('alarmsSaved')).waitFor();
    expect(documents().alarms).toMatchObject({ temperatureHighC: 31, temperatureLowC: 15, temperatureDelaySeconds: 0 });
    const tooHot = async () => {
      const response = await served.test.app.inject({ url: '/api/alarms?state=raised', headers: { authorization: `Bearer ${tokens.worker}` } });
      return (response.json() as { alarms: Array<{ why: { code: string } | null }> }).alarms.map((alarm) => alarm.why).find((why) => why?.code === 'too_hot') ?? null;
    };
    // The day's target is 27 °C: 27 + 5 would allow 32 °C, the absolute 31 °C is lower and wins.
    await expect.poll(tooHot).toEqual({ code: 'too_hot', valueC: 33.1, limitC: 31 });
    await page.getByRole('navigation').getByRole('link', { name: km('navAlarms') }).click();
    await page.getByTestId('alarm-why').filter({ hasText: say(km, 'alarmwhy_too_hot', { value: '33.1', limit: '31.0' }) }).waitFor();
  });

  it('says why fan 1 is off in Khmer on the coop screen', async () => {
    await page.goto(`${served.url}/coops/coop-1`);
    const why = page.getByTestId('output-fan-1').getByTestId('why');
    await expect.poll(() => why.textContent()).toBe(say(km, 'why_not_above', { value: '33.1', limit: '34.5' }));
  });

  it('adds a duty cycle between 13:00 and 15:00 after refusing an empty window, and the edge runs it', async () => {
    await page.getByRole('navigation').getByRole('link', { name: km('navManage') }).click();
    const form = page.getByTestId('schedule-new');
    await form.locator('#s-name-new').fill('Feeder pulses');
    await form.locator('#s-output-new').selectOption('feeder-1');
    await form.locator('#s-kind-new').selectOption('duty');
    await form.locator('#s-windowStart-new').fill('13:00');
    await form.locator('#s-windowEnd-new').fill('13:00');
    await form.locator('#s-onMinutes-new').fill('2');
    await form.locator('#s-off-new').fill('3');
    await form.getByRole('button', { name: km('addSchedule') }).click();
    await form.getByText(km('errWindow')).waitFor();
    expect(served.automation!.schedules.list()).toEqual([]);
    await form.locator('#s-windowEnd-new').fill('15:00');
    await form.getByRole('button', { name: km('addSchedule') }).click();
    await form.getByText(km('scheduleSaved')).waitFor();
    expect(served.automation!.schedules.list()).toMatchObject([{ type: 'duty', outputId: 'feeder-1', windowStart: '13:00', windowEnd: '15:00', onSeconds: 120, offSeconds: 180, repeat: null, weekdays: [0, 1, 2, 3, 4, 5, 6] }]);
    await expect.poll(() => served.test.driver.states.get('feeder-1')?.state).toBe('on');
    served.automation!.timers.advanceTo(T0 + 2 * 60_000 + 1000);
    await expect.poll(() => served.test.driver.states.get('feeder-1')?.state).toBe('off');
  });

  it('adds a set-times schedule with ON/OFF steps on weekdays only, after refusing steps that end ON and a time that does not exist', async () => {
    const form = page.getByTestId('schedule-new');
    await form.locator('#s-name-new').fill('Evening top-up');
    await form.locator('#s-output-new').selectOption('feeder-1');
    await form.locator('#s-kind-new').selectOption('cron');
    await form.locator('#s-cron-new').fill('30 17 * * *');
    await form.getByLabel(km('action_steps')).check();
    await form.getByRole('button', { name: `${km('removeStep')} 2` }).click();
    await form.locator('#s-step-new-minutes-0').fill('3');
    for (const day of [0, 6]) await form.getByLabel(km(`day_${day}`), { exact: true }).uncheck();
    await form.getByRole('button', { name: km('addSchedule') }).click();
    await form.getByText(km('errStepsEndOff')).waitFor();
    await form.getByRole('button', { name: km('addStep') }).click();
    await form.locator('#s-step-new-minutes-1').fill('1');
    // The right shape, but no minute 99: only the edge's automation can tell, and the field says so.
    await form.locator('#s-cron-new').fill('99 17 * * *');
    await form.getByRole('button', { name: km('addSchedule') }).click();
    await form.locator('.field-error').filter({ hasText: km('errCron') }).waitFor();
    expect(await form.locator('#s-cron-new').getAttribute('aria-invalid')).toBe('true');
    await form.locator('#s-cron-new').fill('30 17 * * *');
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: km('addSchedule') }).click();
    await form.getByText(km('scheduleSaved')).waitFor();
    expect(served.automation!.schedules.list().find((schedule) => schedule.name === 'Evening top-up')).toMatchObject({
      type: 'cron',
      cron: '30 17 * * *',
      weekdays: [1, 2, 3, 4, 5],
      action: { steps: [{ state: 'on', seconds: 180 }, { state: 'off', seconds: 60 }] },
    });
  });

  it('shows every editor in one language at a time and passes the accessibility scan in both', async () => {
    await page.reload();
    await page.getByTestId('alarm-settings').waitFor();
    await page.evaluate(`document.querySelectorAll('details').forEach((fold) => { fold.open = true; })`);
    const leaks = async (current: Messages, other: Messages) => (await visibleTexts(page)).filter((text) => foreignStrings(current, other).has(text));
    expect(await leaks(km, en)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: km('language'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: en('manageTitle') }).waitFor();
    expect(await leaks(en, km)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
