/**
 * Screenshots of every screen of the workers' web app, in Khmer and English, at 360×740:
 * `npx tsx edge/test/ui/screenshots.ts` writes docs/screenshots/<screen>-<km|en>.png. Runs the
 * real edge app over a temp folder and Debian's Chromium, like the browser tests.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { loadAutomationDocuments, saveAutomationDocuments } from '../../src/control/index.js';
import { makeRule } from '../automation/fixtures.js';
import { PASSWORD, signInAllRoles } from '../helpers.js';
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
    saveAutomationDocuments(meta, { ...loadAutomationDocuments(meta), climateRules: [makeRule({ fanStages: [{ outputId: 'fan-1', onAboveC: 0 }] })] });
    const feeder = { type: 'cycle', coopId: 'coop-1', outputId: 'feeder-1', name: 'Feeder', enabled: true, weekdays: [0, 1, 2, 3, 4, 5, 6], startTime: '06:00', runSeconds: 480, offSeconds: 14_400, repeat: 3 };
    await served.web.inject({ method: 'PUT', url: '/api/schedules/feeder-morning', payload: feeder, headers: { authorization: `Bearer ${tokens.manager}` } });
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
