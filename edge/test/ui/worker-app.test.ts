import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, T0, signInAllRoles } from '../helpers.js';
import { serveEdge, type ServedEdge } from '../webapp/support/serve-edge.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, phonePage, visibleTexts } from './support/browser.js';
import { buildUiInto } from './support/build-ui.js';
import { foreignStrings, loadCatalogues, type Messages } from './support/catalogues.js';
import { seedFarm } from './support/seed-farm.js';

const TODAY = '2026-06-01';

describe('the workers’ web app (Chromium, 360×740)', () => {
  let ui: ReturnType<typeof buildUiInto>;
  let served: ServedEdge;
  let browser: Browser;
  let page: Page;
  let km: Messages;
  let en: Messages;
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;
  let alarmId: string;
  let closed = false;

  const goTab = async (label: string, heading: string) => {
    await page.getByRole('navigation').getByRole('link', { name: label }).click();
    await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
  };

  beforeAll(async () => {
    ui = buildUiInto();
    served = await serveEdge({ root: ui.root });
    tokens = await signInAllRoles(served.test);
    ({ alarmId } = await seedFarm(served));
    ({ km, en } = await loadCatalogues());
    browser = await launchChromium();
    page = await phonePage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    if (!closed) await served?.close();
    ui?.remove();
  });

  it('opens in Khmer on the sign-in screen, which passes the accessibility scan', async () => {
    await page.goto(`${served.url}/`);
    await page.getByRole('heading', { name: km('loginTitle') }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('km');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('signs a worker in to every coop at a glance: temperature, what runs, open alarms', async () => {
    await page.locator('#username').fill('worker');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: km('signIn'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: km('homeTitle') }).waitFor();
    const card = page.getByTestId('coop-card').filter({ hasText: 'Coop 1' });
    await expect.poll(() => card.getByTestId('coop-temperature').textContent()).toContain('°C');
    await expect.poll(() => card.textContent()).toContain(km('openAlarms'));
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('asks before stopping a fan, then shows the node confirmed and why the fan is off', async () => {
    await page.getByTestId('coop-card').filter({ hasText: 'Coop 1' }).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Coop 1' }).waitFor();
    const fan = page.getByTestId('output-fan-1');
    await fan.getByRole('button', { name: km('turnOff'), exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(km('confirmFanOff')).waitFor();
    expect(served.test.driver.calls.filter((call) => call.outputId === 'fan-1' && call.state === 'off')).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: km('yes') }).click();
    await fan.getByText(km('confirmed')).waitFor();
    await expect.poll(() => fan.getByTestId('output-state').textContent()).toContain(km('stateOff'));
    expect(served.test.driver.calls.at(-1)).toMatchObject({ outputId: 'fan-1', state: 'off' });
    expect(served.test.edge.commands.activeFor('fan-1')).toMatchObject({ state: 'off', expiresAt: T0 + 3600_000 });
    await fan.getByText(km('source_manual'), { exact: true }).waitFor();
    await fan.getByText(km('manualUntil'), { exact: false }).waitFor();
  });

  it('switches the fan back on without a question, and back to automatic', async () => {
    const fan = page.getByTestId('output-fan-1');
    await fan.getByRole('button', { name: km('turnOn'), exact: true }).click();
    await expect.poll(() => fan.getByTestId('output-state').textContent()).toContain(km('stateOn'));
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(served.test.driver.calls.at(-1)).toMatchObject({ outputId: 'fan-1', state: 'on' });
    await fan.getByRole('button', { name: km('backToAuto') }).click();
    await expect.poll(() => served.test.edge.commands.activeFor('fan-1') ?? null).toBeNull();
  });

  it('asks before running a heater and leaves it alone when the worker says no', async () => {
    const heater = page.getByTestId('output-heater-1');
    const calls = served.test.driver.calls.length;
    await heater.getByRole('button', { name: km('turnOn'), exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(km('confirmHeaterOn')).waitFor();
    await dialog.getByRole('button', { name: km('no') }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(served.test.driver.calls.length).toBe(calls);
    expect(served.test.edge.commands.activeFor('heater-1') ?? null).toBeNull();
  });

  it('draws the 24-hour temperature chart with the lazily loaded chart library', async () => {
    await page.getByTestId('chart').locator('canvas').first().waitFor();
  });

  it('acknowledges an alarm and silences the siren', async () => {
    await goTab(km('navAlarms'), km('alarmsTitle'));
    const alarm = page.getByTestId('alarm').filter({ hasText: km('alarm_temperature_high') });
    await alarm.getByRole('button', { name: km('acknowledge') }).click();
    await expect.poll(() => alarm.getByTestId('alarm-state').textContent()).toBe(km('acknowledged'));
    expect(served.test.edge.alarms.list({ limit: 10 }).find((item) => item.id === alarmId)).toMatchObject({ state: 'acknowledged' });
    await page.getByRole('button', { name: km('silenceSiren') }).click();
    await page.getByText(km('sirenSilenced')).waitFor();
    expect(served.siren.silenced).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('records the daily checklist with big buttons and keeps it after a reload', async () => {
    await goTab(km('navDaily'), km('dailyTitle'));
    const more = (label: string) => page.getByRole('button', { name: `${km('more')}: ${label}`, exact: true });
    await more(km('cause_heat')).click();
    await more(km('cause_heat')).click();
    await more(km('cause_sick')).click();
    await page.locator('#culls').fill('1');
    for (let i = 0; i < 3; i++) await more(km('feedBags')).click();
    await page.locator('#water-meter').fill('1234.5');
    await page.locator('#note').fill('ok');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: km('save') }).click();
    await page.getByText(km('saved')).waitFor();
    const stored = await served.web.inject({ url: `/api/daily-records/coop-1/${TODAY}`, headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(stored.json().record).toMatchObject({ mortality: { heat: 2, sick: 1, injured: 0, unknown: 0 }, culls: 1, feedBags: 1.5, waterMeter: 1234.5, note: 'ok' });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: km('dailyTitle') }).waitFor();
    await expect.poll(() => page.locator('#culls').inputValue()).toBe('1');
    expect(await page.locator('#cause-heat').inputValue()).toBe('2');
  });

  it('keeps the checklist on the phone while the Pi is away and sends it when the Pi answers', async () => {
    const route = '**/api/daily-records/coop-1/*';
    await page.route(route, (request) => request.abort('connectionrefused'));
    await page.locator('#culls').fill('3');
    await page.getByRole('button', { name: km('save') }).click();
    await page.getByText(km('savedOnPhone')).waitFor();
    await page.getByTestId('pending-daily').waitFor();
    const stored = () => served.web.inject({ url: `/api/daily-records/coop-1/${TODAY}`, headers: { authorization: `Bearer ${tokens.worker}` } });
    expect((await stored()).json().record.culls).toBe(1);
    await page.unroute(route);
    await page.reload();
    await expect.poll(async () => (await stored()).json().record.culls).toBe(3);
    await page.getByTestId('pending-daily').waitFor({ state: 'detached' });
  });

  it('shows a new reading on the home screen without reloading the page', async () => {
    await goTab(km('navHome'), km('homeTitle'));
    await page.evaluate('window.__sameDocument = true');
    const expected = '៣៥.២ °C';
    await served.test.edge.telemetry.ingest([{ sensorId: 'temp-1', ts: T0 + 1000, status: 'ok', value: 35.2 }]);
    const card = page.getByTestId('coop-card').filter({ hasText: 'Coop 1' });
    await expect.poll(() => card.getByTestId('coop-temperature').textContent()).toContain(expected);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });

  it('switches every visible string to English at once, remembers it, and back to Khmer', async () => {
    const screens: Array<[string, string]> = [['/', 'homeTitle'], ['/coops/coop-1', 'outputs'], ['/alarms', 'alarmsTitle'], ['/daily', 'dailyTitle']];
    const check = async (current: Messages, other: Messages) => {
      for (const [path, heading] of screens) {
        await page.goto(`${served.url}${path}`);
        await page.getByRole('heading', { name: current(heading), exact: true }).first().waitFor();
        const leaked = (await visibleTexts(page)).filter((text) => foreignStrings(current, other).has(text));
        expect(leaked, `${path} in ${current === km ? 'Khmer' : 'English'}`).toEqual([]);
      }
    };
    await check(km, en);
    await page.getByRole('button', { name: km('language'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: en('dailyTitle') }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await check(en, km);
    await page.getByRole('button', { name: en('language'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: km('dailyTitle') }).waitFor();
  });

  it('lets a manager rename a coop and assign a board, with the settings screen accessible', async () => {
    const manager = await phonePage(browser);
    await manager.goto(`${served.url}/`);
    await manager.locator('#username').fill('manager');
    await manager.locator('#password').fill(PASSWORD);
    await manager.getByRole('button', { name: km('signIn'), exact: true }).click();
    await manager.getByRole('navigation').getByRole('link', { name: km('navManage') }).click();
    await manager.getByRole('heading', { level: 1, name: km('manageTitle') }).waitFor();
    await manager.locator('#coop-name-coop-2').fill('Coop Two');
    await manager.locator('#coop-name-coop-2').press('Enter');
    await expect.poll(() => served.test.edge.registry.getCoop('coop-2').name).toBe('Coop Two');
    await manager.locator('#node-node-2').selectOption('coop-2');
    await expect.poll(() => served.test.edge.registry.getNode('node-2').coopId).toBe('coop-2');
    expect(await seriousViolations(manager)).toEqual([]);
    await manager.context().close();
  });

  it('says clearly when the Pi stops answering', async () => {
    await page.goto(`${served.url}/`);
    await page.getByRole('heading', { level: 1, name: km('homeTitle') }).waitFor();
    await page.locator('.live-dot').waitFor();
    closed = true;
    await served.close();
    await page.getByTestId('unreachable').getByText(km('piUnreachable')).waitFor({ timeout: 15_000 });
  });
});
