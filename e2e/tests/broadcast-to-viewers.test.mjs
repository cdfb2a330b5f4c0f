// A browser publishes with our broadcast page; several browsers watch with our viewer page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  broadcastFromBrowser, expectAudioGrowing, openViewer, waitFor, waitForMedia, withFixture,
} from '../lib/harness.mjs';

const VIEWERS = 3;
const LATE_JOIN_DELAY_MS = 5_000;
const JOIN_LIMIT_MS = 2_000;

test('a browser broadcast reaches three viewers, and a late viewer starts within 2 s', { timeout: 190_000 }, () =>
  withFixture({ timeoutMs: 180_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: false });
    const browser = await fx.browser();
    await broadcastFromBrowser(browser, demo.broadcastUrl, demo.token);

    const viewers = [];
    for (let i = 0; i < VIEWERS; i += 1) viewers.push(await openViewer(browser, demo.viewerUrl));
    const joinedAt = Date.now();

    for (const [i, viewer] of viewers.entries()) {
      const label = `viewer ${i + 1}`;
      await waitForMedia(viewer.page, { frames: 30, label });
      await expectAudioGrowing(viewer.page, { label });
    }

    await sleep(Math.max(0, joinedAt + LATE_JOIN_DELAY_MS - Date.now()));
    const joinMs = await measureLateJoin(browser, demo.viewerUrl);
    console.log(`late viewer: first decoded frame ${joinMs.toFixed(0)} ms after its WHEP answer`);
    assert.ok(joinMs < JOIN_LIMIT_MS, `late viewer needed ${joinMs.toFixed(0)} ms (limit ${JOIN_LIMIT_MS} ms)`);

    for (const [i, viewer] of viewers.entries()) {
      const frames = await viewer.page.evaluate(async () => {
        for (const s of (await window.lancastViewer.pc.getStats()).values()) {
          if (s.type === 'inbound-rtp' && s.kind === 'video') return s.framesDecoded;
        }
        return 0;
      });
      console.log(`viewer ${i + 1}: ${frames} frames decoded`);
    }
  }));

// Times, inside the page, the gap between the WHEP answer (sessions becomes 1) and the first
// decoded frame; measuring in the page keeps the test's round trips out of the figure.
async function measureLateJoin(browser, viewerUrl) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    const join = { answeredAt: null, firstFrameAt: null };
    window.lancastJoin = join;
    const pause = (ms) => new Promise((done) => setTimeout(done, ms));
    (async () => {
      while (!(window.lancastViewer?.sessions >= 1)) await pause(5);
      join.answeredAt = performance.now();
      for (;;) {
        const stats = await window.lancastViewer.pc?.getStats();
        for (const s of stats?.values() ?? []) {
          if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) {
            join.firstFrameAt = performance.now();
            return;
          }
        }
        await pause(50);
      }
    })();
  });
  await page.goto(viewerUrl);
  const join = await waitFor(() => page.evaluate(() => window.lancastJoin), {
    until: (j) => j?.firstFrameAt != null,
    timeoutMs: 20_000,
    what: 'the late viewer to decode its first frame',
  });
  return join.firstFrameAt - join.answeredAt;
}
