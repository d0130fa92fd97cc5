import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, T0, signInAllRoles } from '../helpers.js';
import { serveEdge, type ServedEdge } from '../webapp/support/serve-edge.js';
import { seriousViolations } from './support/axe.js';
import { launchChromium, phonePage } from './support/browser.js';
import { buildUiInto } from './support/build-ui.js';
import { loadCatalogues, type Messages } from './support/catalogues.js';
import { seedFarm } from './support/seed-farm.js';

// T0 is 13:00 on the farm's clock; the feeder's morning schedule starts at 06:00.
const FEEDER = { type: 'cycle', coopId: 'coop-1', outputId: 'feeder-1', name: 'Feeder', enabled: true, weekdays: [0, 1, 2, 3, 4, 5, 6], startTime: '06:00', runSeconds: 480, offSeconds: 14_400, repeat: 1 };

describe('a manager editing a schedule in the web app (Chromium, 360×740)', () => {
  let ui: ReturnType<typeof buildUiInto>;
  let served: ServedEdge;
  let browser: Browser;
  let page: Page;
  let km: Messages;

  beforeAll(async () => {
    ui = buildUiInto();
    // The simulated node sends no heartbeats here: keep it online while the test moves the clock on.
    served = await serveEdge({ root: ui.root, automation: true, overrides: { nodes: { offlineAfterSeconds: 86_400 } } });
    const tokens = await signInAllRoles(served.test);
    await seedFarm(served);
    const created = await served.web.inject({ method: 'PUT', url: '/api/schedules/feeder-morning', payload: FEEDER, headers: { authorization: `Bearer ${tokens.manager}` } });
    if (created.statusCode !== 200) throw new Error(created.body);
    ({ km } = await loadCatalogues());
    browser = await launchChromium();
    page = await phonePage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    ui?.remove();
  });

  it('moves the feeder’s start to 13:05 from the settings screen', async () => {
    await page.goto(`${served.url}/`);
    await page.locator('#username').fill('manager');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: km('signIn'), exact: true }).click();
    await page.getByRole('navigation').getByRole('link', { name: km('navManage') }).click();
    const form = page.getByTestId('schedule-feeder-morning');
    await form.locator('#s-start-feeder-morning').fill('13:05');
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: km('saveSchedule') }).click();
    await page.getByText(km('scheduleSaved')).waitFor();
    expect(served.automation!.schedules.list()).toMatchObject([{ id: 'feeder-morning', startTime: '13:05', runSeconds: 480 }]);
  });

  it('sees the edge run the edited schedule: the feeder turns on at 13:05, with the schedule as the reason', async () => {
    await page.goto(`${served.url}/coops/coop-1`);
    const feeder = page.getByTestId('output-feeder-1');
    await feeder.waitFor();
    served.automation!.timers.advanceTo(T0 + 5 * 60_000 + 1000);
    await expect.poll(() => served.test.driver.states.get('feeder-1')?.state).toBe('on');
    await expect.poll(() => feeder.getByTestId('output-state').textContent()).toContain(km('stateOn'));
    await feeder.getByText(km('source_schedule'), { exact: true }).waitFor();
  });
});
