/**
 * The dashboard's firmware section in Chromium against the real cloud app: releases imported
 * from an S3-compatible bucket (s3rver) and rolled out by an administrator, nodes replicated by
 * the edge through the sync push, settings changed through the page and read back from the
 * database and from the target document the edge pulls.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutBucket } from '../../src/firmware/rollout-stage.js';
import { createAdmin, createMember, type TestAccount } from '../support/accounts.js';
import { createReleaseKey, fakeImage, signRelease, TestBucket } from '../firmware/support/firmware-bucket.js';
import { DESKTOP, newPage, PHONE, seriousViolations, smallTouchTargets, visibleTexts } from './support/browser.js';
import { ARTIFACTS } from './support/build-dashboard.js';
import { foreignStrings } from './support/catalogues.js';
import type { DashboardCloud } from './support/dashboard-cloud.js';
import { startFirmwareDashboardCloud, type FirmwareDashboardCloud } from './support/firmware-dashboard-cloud.js';
import { pullDocs, pushDocs, updateDocs, type EdgeLink } from './support/seed-farms.js';

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';
const khmer = (text: string) => text.replace(/[0-9]/g, (digit) => KHMER_DIGITS[Number(digit)]!);
const KHMER_SCRIPT = /[\u1780-\u17FF]/;
const VERSION = '1.1.0';
const NOTES = 'Fan relay timing fixed after a power cut.';

/**
 * Two farms on the stable channel and a rollout percentage that takes the first and not the
 * second: the stage depends only on the farm id and the version, so a pair is picked by it.
 */
function farmsAroundStage(): { early: string; late: string; percent: number } {
  for (let i = 0; i < 100; i += 1) {
    const early = `farm-fw-${i}`;
    for (let j = 0; j < 100; j += 1) {
      const late = `farm-late-${j}`;
      if (rolloutBucket(early, VERSION) < rolloutBucket(late, VERSION)) return { early, late, percent: rolloutBucket(late, VERSION) };
    }
  }
  throw new Error('no pair of farms around a stage');
}

const { early, late, percent } = farmsAroundStage();
let cloud: FirmwareDashboardCloud;
let db: DashboardCloud['db'];
let bucket: TestBucket;
let app: FastifyInstance;
let browser: Browser;
let farmA: EdgeLink;
let catalogues: DashboardCloud['catalogues'];

beforeAll(async () => {
  const key = createReleaseKey();
  const image = fakeImage();
  cloud = await startFirmwareDashboardCloud('fw-dashboard', [key.publicBase64]);
  ({ db, app, browser, catalogues, bucket } = cloud);
  farmA = await cloud.addFarm(early);
  const farmB = await cloud.addFarm(late);
  // The edge replicates its coops and nodes: one board already on the release, one that will
  // take it, one below its hardware revision.
  await pushDocs(farmA, 'coops', [{ id: 'coop-1', name: 'Coop A1' }]);
  const node = (id: string, name: string, coopId: string | null, firmwareVersion: string, hardwareRevision: number) => ({ id, name, coopId, transport: 'serial', firmwareVersion, hardwareRevision, lastSeenAt: Date.now() - 60_000 });
  await pushDocs(farmA, 'nodes', [node('node-1', 'Board N1', 'coop-1', VERSION, 2), node('node-2', 'Board N2', 'coop-1', '1.0.0', 2), node('node-3', 'Board N3', null, '1.0.0', 1)]);
  await pushDocs(farmB, 'nodes', [node('node-1', 'Board M1', null, '1.0.0', 2)]);
  // The release is published and rolled out by an administrator through the API.
  const admin = await createAdmin(app, db.pool);
  await bucket.publish([{ release: signRelease(key, VERSION, image, { minHardwareRevision: 2, notes: NOTES }), image }]);
  const bearer = { authorization: `Bearer ${admin.accessToken}` };
  expect((await app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer })).json().added).toEqual([`${VERSION}/tokkatot-node-esp32`]);
  const rollout = await app.inject({ method: 'PUT', url: '/v1/admin/firmware/channels/stable', headers: bearer, payload: { version: VERSION, percent } });
  expect(rollout.statusCode).toBe(200);
}, 120_000);

afterAll(() => cloud?.close());

/** A member of both farms with its own sign-in (sign-in is rate-limited per login). */
async function member(role: 'owner' | 'manager' | 'worker' | 'viewer'): Promise<TestAccount> {
  const account = await createMember(app, db.pool, early, role);
  await db.pool.query('INSERT INTO membership (farm_id, user_id, role) VALUES ($1, $2, $3)', [late, account.userId, role]);
  return account;
}

const signIn = (page: Page, account: TestAccount) => cloud.signIn(page, account);

/** From the farms list to a farm's firmware tab, as a person would. */
async function openFirmware(page: Page, farmId: string): Promise<void> {
  await page.click(`[data-testid=farm-card]:has-text("Farm ${farmId}") a`);
  await page.click('nav.tabs a[href$="/firmware"]');
  await page.waitForSelector('[data-testid=firmware-target]');
}

const nodeStatus = (page: Page, nodeId: string) => page.textContent(`[data-testid=firmware-node][data-node=${nodeId}] [data-testid=node-status]`);
const settingsRow = async (farmId: string) => (await db.pool.query<{ channel: string; window_start: string; window_end: string; paused: boolean }>('SELECT channel, window_start, window_end, paused FROM farm_firmware WHERE farm_id = $1', [farmId])).rows[0];
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('firmware section', () => {
  it('shows an owner the target, each board against it, and saves the window and a pause the edge then pulls', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await signIn(page, await member('owner'));
      await openFirmware(page, early);
      const { km } = catalogues;
      expect((await page.textContent('[data-testid=target-version]'))?.trim()).toBe(VERSION);
      expect(await page.textContent('[data-testid=target-notes]')).toBe(NOTES);
      expect(await page.getAttribute('[data-testid=firmware-rollout]', 'data-in-stage')).toBe('true');
      expect((await nodeStatus(page, 'node-1'))?.trim()).toBe(km.fwUpToDate);
      expect((await nodeStatus(page, 'node-2'))?.trim()).toBe(`${km.fwWaiting} ${VERSION}`);
      expect((await nodeStatus(page, 'node-3'))?.trim()).toBe(km.fwIncompatible);
      expect(await page.textContent('[data-testid=firmware-node][data-node=node-2]')).toContain('Coop A1');
      expect(await page.textContent('[data-testid=firmware-node][data-node=node-3] [data-testid=node-version]')).toBe('1.0.0');
      expect(await page.textContent('[data-testid=firmware-window]')).toBe(khmer('02:00–04:00'));
      expect(await page.textContent('[data-testid=firmware-channel]')).toBe(km.channel_stable);

      // An empty window is refused on the page, and nothing is sent.
      await page.fill('#firmware-window-start', '03:00');
      await page.fill('#firmware-window-end', '03:00');
      await page.click('[data-testid=save-firmware]');
      expect(await page.textContent('[data-testid=firmware-feedback]')).toContain(km.fwWindowSame);
      expect(await settingsRow(early)).toBeUndefined();

      // A window across midnight is saved, shown, stored and carried in the edge's target document.
      await page.fill('#firmware-window-start', '22:30');
      await page.fill('#firmware-window-end', '01:15');
      await page.click('[data-testid=save-firmware]');
      await page.waitForSelector('[data-testid=firmware-feedback].ok');
      expect(await page.textContent('[data-testid=firmware-window]')).toBe(khmer('22:30–01:15'));
      expect(await settingsRow(early)).toEqual({ channel: 'stable', window_start: '22:30', window_end: '01:15', paused: false });

      await page.click('[data-testid=toggle-pause]');
      await page.waitForSelector('[data-testid=firmware-paused][data-paused=true]');
      expect(await page.textContent('[data-testid=firmware-paused]')).toContain(km.fwStatePaused);
      expect(await page.textContent('[data-testid=toggle-pause]')).toContain(km.fwResume);
      expect(await settingsRow(early)).toEqual({ channel: 'stable', window_start: '22:30', window_end: '01:15', paused: true });
      const [target] = await pullDocs(farmA, 'firmware_targets');
      expect(target).toMatchObject({ id: early, window: { start: '22:30', end: '01:15' }, paused: true, release: { version: VERSION } });
      const { rows } = await db.pool.query<{ detail: { to: { paused: boolean } } }>("SELECT detail FROM audit_log WHERE action = 'firmware.settings' AND farm_id = $1 ORDER BY id", [early]);
      expect(rows.map((row) => row.detail.to.paused)).toEqual([false, true]);
      await shot(page, 'phone-firmware-km');

      // With no network the section opens with the last answer and its time.
      await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
      await context.setOffline(true);
      try {
        await page.reload();
        await page.waitForSelector('[data-testid=offline-banner]', { timeout: 15_000 });
        await page.waitForSelector('[data-testid=firmware-synced]', { timeout: 15_000 });
        expect(await page.textContent('[data-testid=firmware-synced]')).toMatch(/[០-៩]{2}:[០-៩]{2}/);
        expect(await page.getAttribute('[data-testid=firmware-paused]', 'data-paused')).toBe('true');
        expect(await page.isDisabled('[data-testid=toggle-pause]')).toBe(true);
        expect(await page.isDisabled('[data-testid=save-firmware]')).toBe(true);
      } finally {
        await context.setOffline(false);
      }
    } finally {
      await context.close();
    }
  });

  it('says plainly when the farm is outside the staged rollout, and a manager moves it to a channel without one', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await signIn(page, await member('manager'));
      await page.click('[data-testid=language]');
      await openFirmware(page, late);
      expect(await page.getAttribute('[data-testid=firmware-rollout]', 'data-in-stage')).toBe('false');
      const text = await page.textContent('[data-testid=firmware-rollout]');
      expect(text).toContain(`not in the staged rollout of release ${VERSION}`);
      expect(text).toContain(`${percent} %`);
      expect(await page.textContent('[data-testid=target-version-none]')).toBe(catalogues.en.fwNoTarget);
      expect((await nodeStatus(page, 'node-1'))?.trim()).toBe(catalogues.en.fwUnknownStatus);
      await shot(page, 'phone-firmware-outside-en');
      // A manager moves the farm to beta, which has no rollout: the page says so.
      await page.click('[data-testid=channel-beta]');
      await page.click('[data-testid=save-firmware]');
      await page.waitForSelector('[data-testid=firmware-feedback].ok');
      expect(await page.textContent('[data-testid=firmware-channel]')).toBe(catalogues.en.channel_beta);
      expect(await page.getAttribute('[data-testid=firmware-rollout]', 'data-in-stage')).toBe('none');
      expect((await page.textContent('[data-testid=firmware-rollout]'))?.trim()).toBe(catalogues.en.fwNoRollout);
      expect(await settingsRow(late)).toEqual({ channel: 'beta', window_start: '02:00', window_end: '04:00', paused: false });
    } finally {
      await context.close();
    }
  });

  it('shows a viewer everything and lets them change nothing', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await signIn(page, await member('viewer'));
      await openFirmware(page, early);
      expect((await page.textContent('[data-testid=target-version]'))?.trim()).toBe(VERSION);
      expect(await page.locator('[data-testid=firmware-node]').count()).toBe(3);
      expect(await page.textContent('[data-testid=firmware-read-only]')).toBe(catalogues.km.notAllowed);
      expect(await page.locator('[data-testid=firmware-settings], [data-testid=toggle-pause], #firmware-window-start').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('shows a refusal by the API in the person’s language with the API’s message', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    try {
      const manager = await member('manager');
      await signIn(page, manager);
      await openFirmware(page, late);
      // The role is lowered while the page is open: the server refuses, the page says so.
      await db.pool.query("UPDATE membership SET role = 'worker' WHERE user_id = $1", [manager.userId]);
      // Changed behind the API, as another replica would: the server has heard it (NOTIFY) before the save.
      await app.services.standings.settled();
      const before = await settingsRow(late);
      await page.fill('#firmware-window-start', '05:00');
      await page.fill('#firmware-window-end', '06:00');
      await page.click('[data-testid=save-firmware]');
      await page.waitForSelector('[data-testid=firmware-feedback].error');
      const feedback = await page.textContent('[data-testid=firmware-feedback]');
      expect(feedback).toContain(catalogues.km.notAllowed);
      expect(await page.textContent('[data-testid=firmware-feedback] [lang=en]')).toMatch(/^\(.+\)$/);
      expect(await settingsRow(late)).toEqual(before);
    } finally {
      await context.close();
    }
  });

  it('follows a board as it takes the release: its new version reaches the open page without a reload', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await signIn(page, await member('owner'));
      await openFirmware(page, early);
      expect((await nodeStatus(page, 'node-2'))?.trim()).toBe(`${catalogues.km.fwWaiting} ${VERSION}`);
      // The edge reports the board's new version after its update, as its registry sync does.
      await updateDocs(farmA, 'nodes', [{ id: 'node-2', firmwareVersion: VERSION }]);
      await expect.poll(async () => (await nodeStatus(page, 'node-2'))?.trim(), { timeout: 15_000 }).toBe(catalogues.km.fwUpToDate);
      expect(await page.textContent('[data-testid=firmware-node][data-node=node-2] [data-testid=node-version]')).toBe(VERSION);
    } finally {
      await context.close();
      // Back as the other tests expect it.
      await updateDocs(farmA, 'nodes', [{ id: 'node-2', firmwareVersion: '1.0.0' }]);
    }
  });

  it('leaves no string of the other language and has no serious axe finding (phone and desktop)', async () => {
    const { km, en } = catalogues;
    const englishInKhmer = foreignStrings(km, en);
    const khmerInEnglish = foreignStrings(en, km);
    for (const size of [PHONE, DESKTOP]) {
      const { context, page } = await newPage(browser, size);
      try {
        await signIn(page, await member('owner'));
        await openFirmware(page, early);
        const findings = (await seriousViolations(page)).map((line) => `km: ${line}`);
        if (size === PHONE) {
          findings.push(...(await smallTouchTargets(page)).map((line) => `touch target under 48 px: ${line}`));
          // Nothing wider than the phone: no sideways scrolling at 360 px.
          expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.viewport.width);
        }
        const khmerTexts = await visibleTexts(page);
        const leftovers = khmerTexts.filter((text) => englishInKhmer.has(text)).map((text) => `km: ${text}`);
        // Every firmware label of the English catalogue must be absent from the Khmer page, even inside a sentence.
        const firmwareEnglish = Object.entries(en).filter(([key]) => key.startsWith('fw') || key.startsWith('channel')).map(([, text]) => text.split('{')[0]!.trim());
        leftovers.push(...firmwareEnglish.filter((text) => khmerTexts.some((shown) => shown.includes(text))).map((text) => `km (inside): ${text}`));
        expect(khmerTexts).toEqual(expect.arrayContaining([km.firmwareTitle, km.fwTarget]));
        await page.click('[data-testid=language]');
        await page.waitForSelector('html[lang=en]');
        await page.waitForSelector(`h2:has-text("${en.firmwareTitle}")`);
        findings.push(...(await seriousViolations(page)).map((line) => `en: ${line}`));
        const english = await visibleTexts(page);
        leftovers.push(...english.filter((text) => (KHMER_SCRIPT.test(text) && text !== en.language) || khmerInEnglish.has(text)).map((text) => `en: ${text}`));
        expect(english).toEqual(expect.arrayContaining([en.fwUpToDate, en.fwIncompatible, en.channelHelp_stable]));
        expect(leftovers).toEqual([]);
        expect(findings).toEqual([]);
        if (size === DESKTOP) await shot(page, 'desktop-firmware-en');
      } finally {
        await context.close();
      }
    }
  });
});
