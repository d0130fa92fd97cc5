import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeConfigSchema } from '../../src/config/index.js';
import { DeviceOutputDriver, startController, type Controller } from '../../src/control/index.js';
import { createEdge, type Edge } from '../../src/edge.js';
import { buildApp, type EdgeApp } from '../../src/http/app.js';
import { eventually } from '../control/support.js';
import { launchChromium, phonePage } from './support/browser.js';
import { buildUiInto } from './support/build-ui.js';
import { loadCatalogues, type Messages } from './support/catalogues.js';

const PASSWORD = 'correct horse battery';

/**
 * The whole controller as a farm runs it — the web app, the core, the automation and a simulated
 * coop (the firmware's POSIX build) on a real pseudo-terminal — driven by a worker's phone.
 */
describe('the web app against a simulated coop (Chromium, 360×740)', () => {
  let ui: ReturnType<typeof buildUiInto>;
  let dir: string;
  let edge: Edge;
  let app: EdgeApp;
  let controller: Controller | undefined;
  let url: string;
  let browser: Browser;
  let page: Page;
  let km: Messages;

  beforeAll(async () => {
    ui = buildUiInto();
    dir = mkdtempSync(join(tmpdir(), 'tokkatot-ui-sim-'));
    const driver = new DeviceOutputDriver();
    const config = EdgeConfigSchema.parse({ dataDir: dir, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } });
    edge = createEdge({ config, driver, passwordCost: { memoryCost: 4096, timeCost: 1 } });
    app = await buildApp(edge, { webapp: { root: ui.root } });
    await edge.start();
    // A hot afternoon all day long: the climate rule keeps the fan running, so switching it off is
    // always a real change the node must confirm (whatever the time of day the test runs at).
    controller = await startController(edge, {
      driver,
      simulatedCoops: 1,
      simulator: { extraArgs: ['--start-hour', '15', '--outside-min', '35', '--outside-max', '36'] },
      link: { linkTimeoutMs: 2000, heartbeatPeriodMs: 250, samplePeriodMs: 200 },
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    const owner = await app.inject({ method: 'POST', url: '/api/setup/owner', payload: { username: 'owner', displayName: 'Owner', password: PASSWORD } });
    expect(owner.statusCode).toBe(201);
    ({ km } = await loadCatalogues());
    browser = await launchChromium();
    page = await phonePage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await controller?.stop();
    await app?.close();
    await edge?.stop();
    rmSync(dir, { recursive: true, force: true });
    ui?.remove();
  });

  it('switches the fan off from the phone, and the node confirms it in its own state report', async () => {
    // The simulated board says hello and is laid out as the demo coop with its fan.
    const fanId = await eventually(() => {
      const fan = edge.registry.listOutputs().find((output) => output.kind === 'fan' && output.coopId === 'coop-1');
      if (!fan || !edge.registry.isOnline(edge.registry.getNode(fan.nodeId))) throw new Error('demo coop not ready');
      return fan.id;
    }, 20_000);

    await page.goto(`${url}/`);
    await page.locator('#username').fill('owner');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: km('signIn'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: km('homeTitle') }).waitFor();
    await page.getByTestId('coop-card').first().getByRole('link').click();

    const fan = page.getByTestId(`output-${fanId}`);
    await expect.poll(() => fan.getByTestId('output-state').textContent(), { timeout: 15_000 }).toContain(km('stateOn'));
    await fan.getByRole('button', { name: km('turnOff'), exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: km('yes') }).click();
    // "Confirmed" is shown only when the node acknowledged the command over the serial link.
    await fan.getByText(km('confirmed')).waitFor({ timeout: 15_000 });
    await expect.poll(() => fan.getByTestId('output-state').textContent(), { timeout: 15_000 }).toContain(km('stateOff'));
    await fan.getByText(km('source_manual'), { exact: true }).waitFor();
    // The relay itself: the node's state report says the fan is off because it was commanded.
    await eventually(() => expect(controller!.deviceBridge.reportedState(fanId)).toMatchObject({ state: 'off', failSafeActive: false }), 10_000);
  });
});
