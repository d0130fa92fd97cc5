/**
 * Screenshots of every screen of the workers' web app, in Khmer and English, at 360×740:
 * `npx tsx edge/test/ui/screenshots.ts` writes docs/screenshots/<screen>-<km|en>.png. Runs the
 * real edge app over a temp folder and Debian's Chromium, like the browser tests.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { loadAutomationDocuments, saveAutomationDocuments } from '../../src/control/index.js';
import { makeRule } from '../automation/fixtures.js';
import { PASSWORD, T0, signInAllRoles } from '../helpers.js';
import { serveEdge, type ServedEdge } from '../webapp/support/serve-edge.js';
import { launchChromium, phonePage } from './support/browser.js';
import { buildUiInto } from './support/build-ui.js';
import { loadCatalogues, type Messages } from './support/catalogues.js';
import { seedFarm } from './support/seed-farm.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
type Lang = 'km' | 'en';

async function open(browser: Browser, url: string, lang: Lang): Promise<Page> {
  const page = await phonePage(browser);
  await page.addInitScript(`localStorage.setItem('tokkatot.locale', '${lang}')`);
  await page.goto(url);
  return page;
}

async function shoot(page: Page, name: string, lang: Lang): Promise<void> {
  await page.evaluate('document.fonts.ready');
  // A fixed bar would be painted mid-page in a full-page capture: put it at the end instead.
  await page.addStyleTag({ content: '.bottom-nav { position: static !important; }' });
  await page.screenshot({ path: join(OUT, `${name}-${lang}.png`), fullPage: true });
  process.stdout.write(`  ${name}-${lang}.png\n`);
}

/** One part of a screen (an opened editor), without the rest of the page. */
async function shootPart(part: Locator, name: string, lang: Lang): Promise<void> {
  await part.scrollIntoViewIfNeeded();
  await part.screenshot({ path: join(OUT, `${name}-${lang}.png`) });
  process.stdout.write(`  ${name}-${lang}.png\n`);
}

async function firstRun(browser: Browser, root: string, lang: Lang, t: Messages): Promise<void> {
  const served = await serveEdge({ root });
  try {
    served.test.edge.registry.recordHello({ nodeId: 'node-9', transport: 'serial', firmwareVersion: '1.0.0', hardwareRevision: 1 });
    const page = await open(browser, `${served.url}/`, lang);
    await page.getByRole('heading', { name: t('setupOwner'), exact: false }).waitFor();
    await shoot(page, '01-first-run-owner', lang);
    await page.locator('#owner-name').fill('Sok');
    await page.locator('#owner-username').fill('sok');
    await page.locator('#owner-password').fill(PASSWORD);
    await page.getByRole('button', { name: t('next') }).click();
    await page.getByRole('heading', { name: t('setupCoops'), exact: false }).waitFor();
    await page.locator('#new-coop').fill(lang === 'km' ? 'ទ្រុង ១' : 'Coop 1');
    await page.getByRole('button', { name: t('addCoop') }).click();
    await page.locator('[id^="coop-name-"]').first().waitFor();
    await shoot(page, '02-first-run-coops', lang);
    await page.getByRole('button', { name: t('next') }).click();
    await page.getByRole('heading', { name: t('setupNodes'), exact: false }).waitFor();
    await shoot(page, '03-first-run-boards', lang);
    await page.context().close();
  } finally {
    await served.close();
  }
}

async function dailyWork(browser: Browser, served: ServedEdge, lang: Lang, t: Messages): Promise<void> {
  const page = await open(browser, `${served.url}/`, lang);
  await page.getByRole('heading', { name: t('loginTitle') }).waitFor();
  await shoot(page, '04-sign-in', lang);
  await page.locator('#username').fill('owner');
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: t('signIn'), exact: true }).click();
  await page.getByTestId('coop-card').first().waitFor();
  await shoot(page, '05-home', lang);
  await page.goto(`${served.url}/coops/coop-1`);
  await page.getByTestId('chart').locator('canvas').first().waitFor();
  await shoot(page, '06-coop', lang);
  await page.getByTestId('output-heater-1').getByRole('button', { name: t('turnOn'), exact: true }).click();
  await page.getByRole('dialog').waitFor();
  await page.screenshot({ path: join(OUT, `07-coop-confirm-${lang}.png`) });
  process.stdout.write(`  07-coop-confirm-${lang}.png\n`);
  await page.getByRole('button', { name: t('no') }).click();
  await page.goto(`${served.url}/alarms`);
  await page.getByTestId('alarm').first().waitFor();
  await shoot(page, '08-alarms', lang);
  await page.goto(`${served.url}/daily`);
  await page.locator('#culls').waitFor();
  await shoot(page, '09-daily-checklist', lang);
  await page.goto(`${served.url}/manage`);
  await page.getByRole('heading', { name: t('usersSection') }).waitFor();
  await page.locator('.user').first().waitFor();
  await shoot(page, '10-settings', lang);
  for (const [fold, name] of [
    ['fold-curve-coop-1', '12-settings-curve'],
    ['fold-stages-coop-1', '13-settings-stages'],
    ['fold-ventilation-coop-1', '14-settings-ventilation'],
  ] as const) {
    const part = page.getByTestId(fold);
    await part.locator('summary').click();
    await shootPart(part, name, lang);
    await part.locator('summary').click();
  }
  await shootPart(page.getByTestId('alarm-settings'), '15-settings-alarm-limits', lang);
  await shootPart(page.getByTestId('schedule-feeder-top-up'), '16-settings-schedule-steps', lang);
  await page.locator('#s-kind-new').selectOption('duty');
  await shootPart(page.getByTestId('schedule-new'), '17-settings-schedule-duty', lang);
  await page.context().close();
}

async function unreachable(browser: Browser, root: string, lang: Lang, t: Messages): Promise<void> {
  const served = await serveEdge({ root });
  await signInAllRoles(served.test);
  await seedFarm(served);
  const page = await open(browser, `${served.url}/`, lang);
  await page.locator('#username').fill('worker');
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: t('signIn'), exact: true }).click();
  await page.locator('.live-dot').waitFor();
  await served.close();
  await page.getByTestId('unreachable').waitFor({ timeout: 15_000 });
  await shoot(page, '11-pi-unreachable', lang);
  await page.context().close();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const ui = buildUiInto();
  process.stdout.write(ui.report);
  const catalogues = await loadCatalogues();
  const browser = await launchChromium();
  const served = await serveEdge({ root: ui.root, automation: true });
  try {
    const tokens = await signInAllRoles(served.test);
    await seedFarm(served);
    const meta = served.test.edge.repositories.meta;
    saveAutomationDocuments(meta, {
      ...loadAutomationDocuments(meta),
      climateRules: [makeRule({ target: 'curve', fanStages: [{ outputId: 'fan-1', onAboveC: 0 }], minimumVentilation: { outputIds: ['fan-1'], cycleSeconds: 300, minOnPercent: 10, maxOnPercent: 50, rampSpanC: 3 } })],
    });
    const put = async (url: string, payload: unknown) => {
      const response = await served.web.inject({ method: 'PUT', url, payload: payload as object, headers: { authorization: `Bearer ${tokens.manager}` } });
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.body}`);
    };
    const everyDay = [0, 1, 2, 3, 4, 5, 6];
    await put('/api/schedules/feeder-morning', { type: 'cycle', coopId: 'coop-1', outputId: 'feeder-1', name: 'Feeder', enabled: true, weekdays: everyDay, startTime: '06:00', runSeconds: 480, offSeconds: 14_400, repeat: 3 });
    await put('/api/schedules/feeder-top-up', {
      type: 'cron',
      coopId: 'coop-1',
      outputId: 'feeder-1',
      name: 'Evening top-up',
      enabled: true,
      weekdays: [1, 3, 5],
      cron: '30 17 * * *',
      action: { steps: [{ state: 'on', seconds: 120 }, { state: 'off', seconds: 60 }, { state: 'on', seconds: 60 }, { state: 'off', seconds: 60 }] },
    });
    // A flock on day 10 of its curve: the rule follows it, and a hot reading sets the fan running and an alarm off.
    await put('/api/flocks/flock-1', {
      coopId: 'coop-1',
      name: 'Batch 8',
      placedOn: '2026-05-22',
      birdsPlaced: 2000,
      breed: 'Ross 308',
      houseMode: 'growing',
      targetCurve: [{ day: 0, temperatureC: 33 }, { day: 7, temperatureC: 30 }, { day: 14, temperatureC: 28 }, { day: 21, temperatureC: 25 }, { day: 35, temperatureC: 21 }],
    });
    await put('/api/alarm-settings', { temperatureHighC: 31, temperatureLowC: 15, aboveTargetC: 5, belowTargetC: 5, temperatureDelaySeconds: 0, waterDelaySeconds: 60, nodeOfflineSeconds: 120, sensorFailureDelaySeconds: 30, outputConfirmSeconds: 30, reminderSeconds: 900, test: null });
    await new Promise((resolve) => setImmediate(resolve));
    const latest = served.test.edge.telemetry.latest('temp-1');
    served.automation!.feedReading({ sensorId: 'temp-1', ts: T0, status: 'ok', value: latest?.value ?? 32 });
    for (const lang of ['km', 'en'] as const) {
      await firstRun(browser, ui.root, lang, catalogues[lang]);
      await dailyWork(browser, served, lang, catalogues[lang]);
      await unreachable(browser, ui.root, lang, catalogues[lang]);
    }
  } finally {
    await browser.close();
    await served.close();
    ui.remove();
  }
}

await main();
