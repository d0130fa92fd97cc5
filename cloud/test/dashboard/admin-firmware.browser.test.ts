/**
 * The firmware rollouts page in Chromium against the real cloud app: releases imported from an
 * S3-compatible bucket (s3rver) by pressing "Import now", a channel rolled out through the
 * editor and read back from the admin API and the audit log, a beta release refused on stable
 * with the server's message shown, and people who are not platform administrators kept out.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInStage } from '../../src/firmware/rollout-stage.js';
import { createAdmin, createMember, type TestAccount } from '../support/accounts.js';
import { createReleaseKey, fakeImage, signRelease, TestBucket } from '../firmware/support/firmware-bucket.js';
import { DESKTOP, newPage, PHONE, seriousViolations, smallTouchTargets, visibleTexts } from './support/browser.js';
import { ARTIFACTS } from './support/build-dashboard.js';
import { foreignStrings } from './support/catalogues.js';
import type { DashboardCloud } from './support/dashboard-cloud.js';
import { startFirmwareDashboardCloud, type FirmwareDashboardCloud } from './support/firmware-dashboard-cloud.js';

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';
const khmer = (text: string) => text.replace(/[0-9]/g, (digit) => KHMER_DIGITS[Number(digit)]!);
const KHMER_SCRIPT = /[\u1780-\u17FF]/;
const BOARD = 'tokkatot-node-esp32';
const STABLE = '1.2.0';
const BETA = '1.3.0-beta.1';
const UNTRUSTED = '2.0.0';
const NOTES = 'Heater relay no longer chatters at the band edge.';
const FARMS = ['farm-adm-1', 'farm-adm-2', 'farm-adm-3', 'farm-adm-4'];

let cloud: FirmwareDashboardCloud;
let db: DashboardCloud['db'];
let bucket: TestBucket;
let app: FastifyInstance;
let browser: Browser;
let catalogues: DashboardCloud['catalogues'];

beforeAll(async () => {
  const key = createReleaseKey();
  const stranger = createReleaseKey();
  cloud = await startFirmwareDashboardCloud('fw-admin-page', [key.publicBase64]);
  ({ db, app, browser, catalogues, bucket } = cloud);
  for (const farmId of FARMS) await app.services.store.ensureFarm(farmId, `Farm ${farmId}`);
  // The bucket lists a stable release, a beta one and one signed by a key this cloud does not trust.
  const stableImage = fakeImage(6144);
  const betaImage = fakeImage();
  const strangeImage = fakeImage();
  await bucket.publish([
    { release: signRelease(key, STABLE, stableImage, { minHardwareRevision: 2, notes: NOTES, publishedAt: Date.UTC(2026, 10, 10) }), image: stableImage },
    { release: signRelease(key, BETA, betaImage, { channel: 'beta', publishedAt: Date.UTC(2026, 10, 12) }), image: betaImage },
    { release: signRelease(stranger, UNTRUSTED, strangeImage), image: strangeImage },
  ]);
}, 120_000);

afterAll(() => cloud?.close());

const bearer = (account: TestAccount) => ({ authorization: `Bearer ${account.accessToken}` });

/** Signs in from the login form; an administrator is member of no farm, so the list may be empty. */
async function signIn(page: Page, account: TestAccount): Promise<void> {
  await cloud.signIn(page, account, '[data-testid=farm-list]');
}

/** From the farms list to the rollouts page, as an administrator would. */
async function openRollouts(page: Page): Promise<void> {
  await page.click('[data-testid=admin-firmware-link]');
  await page.waitForSelector('[data-testid=channel-stable]');
}

/** The catalogue as the server holds it, imported by the API (idempotent: a second import changes nothing). */
async function importByApi(admin: TestAccount): Promise<void> {
  const answer = await app.inject({ method: 'POST', url: '/v1/admin/firmware/import', headers: bearer(admin) });
  expect(answer.statusCode).toBe(200);
}

/** A catalogue sentence with its placeholders filled; a missing key fails the comparison it is used in. */
const fillIn = (text: string | undefined, values: Record<string, string>) => (text ?? '<missing>').replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
const text = async (page: Page, selector: string) => (await page.textContent(selector))?.replace(/\s+/g, ' ').trim();
const stableRow = async () => (await db.pool.query<{ version: string; board: string; percent: number }>("SELECT version, board, percent FROM firmware_rollout WHERE channel = 'stable'")).rows[0];
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('firmware rollouts page', () => {
  it('lets an administrator import the bucket’s releases and roll one out on stable to half the farms', async () => {
    const { context, page } = await newPage(browser, PHONE);
    const { km } = catalogues;
    try {
      const admin = await createAdmin(app, db.pool);
      await signIn(page, admin);
      await openRollouts(page);
      expect(await page.textContent('[data-testid=no-releases]')).toBe(km.admNoReleases);
      expect(await text(page, '[data-testid=channel-stable] [data-testid=channel-rollout]')).toBe(km.fwNoRollout);
      expect(await page.textContent('[data-testid=channel-stable] [data-testid=channel-farms]')).toBe(khmer(String(FARMS.length)));
      expect(await page.textContent('[data-testid=channel-beta] [data-testid=channel-farms]')).toBe(khmer('0'));

      // Import now: two releases added, the untrusted one refused with the server's reason.
      await page.click('[data-testid=import-releases]');
      await page.waitForSelector('[data-testid=import-feedback].ok');
      expect(await text(page, '[data-testid=import-feedback]')).toBe(fillIn(km.admImported, { added: khmer('2'), updated: khmer('0'), unchanged: khmer('0'), refused: khmer('1') }));
      expect(await page.textContent('[data-testid=import-added]')).toBe(`${STABLE}/${BOARD}, ${BETA}/${BOARD}`);
      expect(await text(page, '[data-testid=refused-entry] strong')).toBe(`${UNTRUSTED} ${BOARD}`);
      expect(await page.textContent('[data-testid=refused-reason]')).toMatch(/does not trust/);
      await page.waitForSelector('[data-testid=release]');
      expect(await page.locator('[data-testid=release]').evaluateAll((items) => items.map((item) => item.getAttribute('data-release')))).toEqual([`${BETA}/${BOARD}`, `${STABLE}/${BOARD}`]);
      const stableCard = `[data-testid=release][data-release="${STABLE}/${BOARD}"]`;
      expect(await page.textContent(`${stableCard} [data-testid=release-channel]`)).toBe(km.channel_stable);
      expect(await page.textContent(`${stableCard} [data-testid=release-size]`)).toBe(fillIn(km.admSizeKb, { size: khmer('6') }));
      expect(await page.textContent(`${stableCard} [data-testid=release-hardware]`)).toBe(khmer('2'));
      expect(await page.textContent(`${stableCard} [data-testid=release-notes]`)).toBe(NOTES);
      expect(await page.textContent(`${stableCard} [data-testid=release-imported]`)).toMatch(/[០-៩]{2}:[០-៩]{2}/);

      // The editor: the newest stable release, half the farms, what that will do, then a confirmation.
      const stable = '[data-testid=channel-stable]';
      expect(await page.inputValue('#release-stable')).toBe(`${STABLE}/${BOARD}`);
      await page.fill('#percent-stable', '៥០');
      const expectedPreview = fillIn(km.admPreviewSome, { count: khmer('2'), farms: khmer('4'), percent: khmer('50'), version: STABLE });
      expect(await text(page, `${stable} [data-testid=rollout-preview] p:first-child`)).toBe(expectedPreview);
      expect(await stableRow()).toBeUndefined();
      await page.click(`${stable} [data-testid=review-rollout]`);
      expect(await text(page, `${stable} [data-testid=rollout-confirm]`)).toContain(km.admConfirmQuestion);
      expect(await stableRow()).toBeUndefined();
      await page.click(`${stable} [data-testid=confirm-rollout]`);
      await page.waitForSelector(`${stable} [data-testid=rollout-feedback].ok`);

      // What the server says, read back: the channel, the exact stage (a hash of each farm id), the audit row.
      const inStage = FARMS.filter((farmId) => isInStage(farmId, STABLE, 50)).length;
      const channels = await app.inject({ method: 'GET', url: '/v1/admin/firmware/channels', headers: bearer(admin) });
      expect(channels.json()).toEqual([
        { channel: 'stable', rollout: expect.objectContaining({ channel: 'stable', version: STABLE, board: BOARD, percent: 50, updatedBy: admin.userId }), farms: FARMS.length, inStage },
        { channel: 'beta', rollout: null, farms: 0, inStage: 0 },
      ]);
      expect(await text(page, `${stable} [data-testid=rollout-feedback]`)).toBe(fillIn(km.admSaved, { inStage: khmer(String(inStage)), farms: khmer('4'), version: STABLE, percent: khmer('50') }));
      expect(await page.textContent(`${stable} [data-testid=channel-in-stage]`)).toBe(khmer(String(inStage)));
      expect(await text(page, `${stable} [data-testid=channel-rollout]`)).toBe(fillIn(km.admCurrent, { version: STABLE, percent: khmer('50') }));
      const { rows } = await db.pool.query<{ actor_id: string; farm_id: string | null; target: string; detail: unknown }>("SELECT actor_id, farm_id, target, detail FROM audit_log WHERE action = 'firmware.rollout' ORDER BY id");
      expect(rows).toEqual([{ actor_id: admin.userId, farm_id: null, target: 'stable', detail: { from: null, to: { version: STABLE, board: BOARD, percent: 50 } } }]);
      // The same release at the same share: the page says saving changes nothing.
      expect(await page.getAttribute(`${stable} [data-testid=rollout-preview] p:nth-child(2)`, 'data-key')).toBe('admPreviewSame');
      await shot(page, 'phone-admin-firmware-km');

      // With no network the page opens with the last answers, and nothing can be changed.
      await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
      await context.setOffline(true);
      try {
        await page.reload();
        await page.waitForSelector('[data-testid=offline-banner]', { timeout: 15_000 });
        await page.waitForSelector('[data-testid=admin-offline]', { timeout: 15_000 });
        expect(await page.textContent('[data-testid=admin-synced]')).toMatch(/[០-៩]{2}:[០-៩]{2}/);
        expect(await page.locator('[data-testid=release]').count()).toBe(2);
        expect(await page.textContent(`${stable} [data-testid=channel-in-stage]`)).toBe(khmer(String(inStage)));
        for (const button of ['[data-testid=import-releases]', `${stable} [data-testid=review-rollout]`, '[data-testid=channel-beta] [data-testid=review-rollout]']) {
          expect(await page.isDisabled(button), button).toBe(true);
        }
      } finally {
        await context.setOffline(false);
      }
    } finally {
      await context.close();
    }
  });

  it('shows the refusal of a beta release on stable in the person’s language with the server’s message, and takes it on beta', async () => {
    const { context, page } = await newPage(browser, DESKTOP);
    const { en } = catalogues;
    try {
      const admin = await createAdmin(app, db.pool);
      await importByApi(admin);
      await signIn(page, admin);
      await page.click('[data-testid=language]');
      await page.waitForSelector('html[lang=en]');
      await openRollouts(page);
      const stable = '[data-testid=channel-stable]';
      const before = await stableRow();
      const audits = async () => (await db.pool.query("SELECT id FROM audit_log WHERE action = 'firmware.rollout'")).rowCount;
      const auditsBefore = await audits();
      await page.selectOption('#release-stable', `${BETA}/${BOARD}`);
      await page.fill('#percent-stable', '10');
      // The page warns from its own catalogue; the server decides.
      expect(await text(page, `${stable} [data-testid=rollout-preview] [data-key=admPreviewBetaOnStable]`)).toBe(fillIn(en.admPreviewBetaOnStable, { version: BETA }));
      await page.click(`${stable} [data-testid=review-rollout]`);
      await page.click(`${stable} [data-testid=confirm-rollout]`);
      await page.waitForSelector(`${stable} [data-testid=rollout-feedback].error`);
      expect(await text(page, `${stable} [data-testid=rollout-feedback]`)).toContain(en.admChannelMismatch);
      expect(await page.textContent(`${stable} [data-testid=rollout-feedback] [lang=en]`)).toMatch(new RegExp(`^\\(Release ${BETA.replace(/\./g, '\\.')} is published on beta.*\\)$`));
      expect(await stableRow()).toEqual(before);
      expect(await audits()).toBe(auditsBefore);

      // A percentage that is not a whole number from 0 to 100 is refused on the page, and nothing is sent.
      await page.fill('#percent-stable', '12.5');
      await page.click(`${stable} [data-testid=review-rollout]`);
      expect(await text(page, `${stable} [data-testid=rollout-feedback]`)).toBe(en.admPercentInvalid);
      expect(await page.locator(`${stable} [data-testid=rollout-confirm]`).count()).toBe(0);

      // The beta channel takes it; it has no farm yet, and the page says so before and after.
      const beta = '[data-testid=channel-beta]';
      expect(await page.inputValue('#release-beta')).toBe(`${BETA}/${BOARD}`);
      await page.fill('#percent-beta', '100');
      expect(await text(page, `${beta} [data-testid=rollout-preview] p:first-child`)).toBe(fillIn(en.admPreviewNoFarms, { version: BETA }));
      await page.click(`${beta} [data-testid=review-rollout]`);
      await page.click(`${beta} [data-testid=confirm-rollout]`);
      await page.waitForSelector(`${beta} [data-testid=rollout-feedback].ok`);
      expect(await text(page, `${beta} [data-testid=channel-rollout]`)).toBe(fillIn(en.admCurrent, { version: BETA, percent: '100' }));
      const { rows } = await db.pool.query<{ version: string; percent: number }>("SELECT version, percent FROM firmware_rollout WHERE channel = 'beta'");
      expect(rows).toEqual([{ version: BETA, percent: 100 }]);
    } finally {
      await context.close();
    }
  });

  it('shows someone who is not a platform administrator no link, a plain refusal at the address, and the API refuses them', async () => {
    const { context, page } = await newPage(browser, PHONE);
    try {
      const owner = await createMember(app, db.pool, FARMS[0]!, 'owner');
      await signIn(page, owner);
      await page.waitForSelector('[data-testid=farm-card]');
      expect(await page.locator('[data-testid=admin-firmware-link]').count()).toBe(0);
      await page.goto(`${cloud.baseUrl}/admin/firmware`);
      await page.waitForSelector('[data-testid=admin-not-allowed]');
      expect(await text(page, '[data-testid=admin-not-allowed]')).toBe(catalogues.km.admNotAdmin);
      expect(await page.locator('[data-testid=channel-stable], [data-testid=import-releases]').count()).toBe(0);
      const before = await stableRow();
      for (const [method, url, payload] of [
        ['GET', '/v1/admin/firmware/channels', undefined],
        ['POST', '/v1/admin/firmware/import', undefined],
        ['PUT', '/v1/admin/firmware/channels/stable', { version: STABLE, percent: 100 }],
      ] as const) {
        const answer = await app.inject({ method, url, headers: bearer(owner), ...(payload ? { payload } : {}) });
        expect(answer.statusCode, `${method} ${url}`).toBe(403);
        expect(answer.json().error.code).toBe('FORBIDDEN');
      }
      expect(await stableRow()).toEqual(before);
    } finally {
      await context.close();
    }
  });

  it('leaves no string of the other language and has no serious axe finding (phone and desktop)', async () => {
    const { km, en } = catalogues;
    const englishInKhmer = foreignStrings(km, en);
    const khmerInEnglish = foreignStrings(en, km);
    for (const size of [PHONE, DESKTOP]) {
      const { context, page } = await newPage(browser, size);
      try {
        const admin = await createAdmin(app, db.pool);
        await importByApi(admin);
        await signIn(page, admin);
        await openRollouts(page);
        await page.waitForSelector('[data-testid=release]');
        // An import report with a refusal, and a confirmation step, are on screen too.
        await page.click('[data-testid=import-releases]');
        await page.waitForSelector('[data-testid=refused-entry]');
        await page.click('[data-testid=channel-beta] [data-testid=review-rollout]');
        await page.waitForSelector('[data-testid=channel-beta] [data-testid=rollout-confirm]');
        const findings = (await seriousViolations(page)).map((line) => `km: ${line}`);
        if (size === PHONE) {
          findings.push(...(await smallTouchTargets(page)).map((line) => `touch target under 48 px: ${line}`));
          expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.viewport.width);
        }
        const khmerTexts = await visibleTexts(page);
        const leftovers = khmerTexts.filter((shown) => englishInKhmer.has(shown)).map((shown) => `km: ${shown}`);
        // Every English string of the page must be absent from the Khmer page, even inside a sentence.
        const pageEnglish = Object.entries(en)
          .filter(([key]) => key.startsWith('adm'))
          .map(([, value]) => value.replace(/\{\w+\}/g, '\u0000').split('\u0000').sort((a, b) => b.length - a.length)[0]!.trim())
          .filter((fragment) => fragment.length > 3);
        leftovers.push(...pageEnglish.filter((fragment) => khmerTexts.some((shown) => shown.includes(fragment))).map((fragment) => `km (inside): ${fragment}`));
        expect(khmerTexts).toEqual(expect.arrayContaining([km.admTitle, km.admCatalogue, km.admConfirmQuestion]));
        await page.click('[data-testid=language]');
        await page.waitForSelector('html[lang=en]');
        await page.waitForSelector(`h1:has-text("${en.admTitle}")`);
        findings.push(...(await seriousViolations(page)).map((line) => `en: ${line}`));
        const english = await visibleTexts(page);
        leftovers.push(...english.filter((shown) => (KHMER_SCRIPT.test(shown) && shown !== en.language) || khmerInEnglish.has(shown)).map((shown) => `en: ${shown}`));
        expect(english).toEqual(expect.arrayContaining([en.admTitle, en.admFarmsOnChannel, en.admRefusedList]));
        expect(leftovers).toEqual([]);
        expect(findings).toEqual([]);
        if (size === DESKTOP) await shot(page, 'desktop-admin-firmware-en');
      } finally {
        await context.close();
      }
    }
  });
});
