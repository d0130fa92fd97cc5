import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAutomationDocuments, saveAutomationDocuments } from '../../src/control/index.js';
import { makeRule } from '../automation/fixtures.js';
import { PASSWORD, T0, signInAllRoles } from '../helpers.js';
import { serveEdge, type ServedEdge } from '../webapp/support/serve-edge.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, phonePage } from './support/browser.js';
import { buildUiInto } from './support/build-ui.js';
import { loadCatalogues, type Messages } from './support/catalogues.js';
import { seedFarm } from './support/seed-farm.js';

describe('the home screen against the climate target (Chromium, 360×740)', () => {
  let ui: ReturnType<typeof buildUiInto>;
  let served: ServedEdge;
  let browser: Browser;
  let km: Messages;

  beforeAll(async () => {
    ui = buildUiInto();
    served = await serveEdge({ root: ui.root, automation: true });
    await signInAllRoles(served.test);
    await seedFarm(served);
    const meta = served.test.edge.repositories.meta;
    // Stored as the controller stores it; the engine is not told, so only the targets read it.
    saveAutomationDocuments(meta, { ...loadAutomationDocuments(meta), climateRules: [makeRule({ fanStages: [{ outputId: 'fan-1', onAboveC: 0 }] })] });
    ({ km } = await loadCatalogues());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    ui?.remove();
  });

  it('says in words whether each coop is good or too hot, and follows a new reading live', async () => {
    const page = await phonePage(browser);
    await page.goto(`${served.url}/`);
    await page.locator('#username').fill('worker');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: km('signIn'), exact: true }).click();
    const card = page.getByTestId('coop-card').filter({ hasText: 'Coop 1' });
    await expect.poll(() => card.getByTestId('verdict').textContent()).toContain(km('tempGood'));
    await card.getByText(km('target'), { exact: false }).waitFor();
    await served.test.edge.telemetry.ingest([{ sensorId: 'temp-1', ts: T0 + 1000, status: 'ok', value: 35.2 }]);
    await expect.poll(() => card.getByTestId('verdict').textContent()).toContain(km('tempHot'));
    expect(await seriousViolations(page)).toEqual([]);
  });
});
