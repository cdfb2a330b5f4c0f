// Issue 3: viewers join fast at any moment of the GOP, and keep their session (and picture)
// when the broadcaster reconnects or another broadcaster takes over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  broadcastFromBrowser, measureJoin, openViewer, videoStats, waitFor, waitForMedia, withFixture,
} from '../lib/harness.mjs';
import { watchFreezes } from '../lib/lan.mjs';

const JOINS = 10;
// Behaviour, not speed: without the join's keyframe request a Chromium broadcaster's next keyframe
// may be minutes away, so a join that works is seconds at worst on a starved machine. The figures
// are printed; docs/benchmarks.md has them measured (join p50/p95 against Janus).
const JOIN_LIMIT_MS = 5_000;

test(`${JOINS} viewers joining at random moments each decode (within ${JOIN_LIMIT_MS / 1000} s)`, { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: false });
    const browser = await fx.browser();
    await broadcastFromBrowser(browser, demo.broadcastUrl, demo.token);
    const first = await openViewer(browser, demo.viewerUrl);
    await waitForMedia(first.page, { frames: 30 });

    const joins = [];
    for (let i = 0; i < JOINS; i++) {
      await sleep(Math.floor(Math.random() * 1500)); // anywhere in the GOP
      joins.push(await measureJoin(browser, demo.viewerUrl));
    }
    const sorted = [...joins].sort((a, b) => a - b);
    console.log(`join times (ms): ${joins.map((j) => j.toFixed(0)).join(', ')}; ` +
      `median ${sorted[Math.floor(JOINS / 2)].toFixed(0)}, max ${sorted[JOINS - 1].toFixed(0)}`);
    for (const [i, j] of joins.entries()) {
      assert.ok(j < JOIN_LIMIT_MS, `join ${i + 1} took ${j.toFixed(0)} ms`);
    }
  }));

// The CLI sender's clip is pre-encoded: it cannot answer a keyframe request and has a keyframe
// only every second. A joiner still sees a picture at once: the gateway starts it with the cached
// latest keyframe (asserted: every joiner got it; the join times are printed, not a speed limit).
test('with a source that cannot make keyframes, joiners are started with the cached keyframe', { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: true });
    const browser = await fx.browser();
    const first = await openViewer(browser, demo.viewerUrl);
    await waitForMedia(first.page, { frames: 30 });
    const joins = [];
    for (let i = 0; i < 6; i++) {
      await sleep(Math.floor(Math.random() * 1000));
      joins.push(await measureJoin(browser, demo.viewerUrl));
    }
    console.log(`join times with the CLI sender (ms): ${joins.map((j) => j.toFixed(0)).join(', ')}`);
    for (const [i, j] of joins.entries()) assert.ok(j < JOIN_LIMIT_MS, `join ${i + 1} took ${j.toFixed(0)} ms`);
    const status = await (await fetch(`${demo.gatewayBase}/api/status`)).json();
    assert.ok(status.streams[0].keyframesToJoiners >= 6, `keyframes to joiners: ${status.streams[0].keyframesToJoiners}`);
  }));

test('viewers keep playing when the broadcaster reconnects and when another one takes over', { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: false });
    const browser = await fx.browser();
    const broadcaster = await broadcastFromBrowser(browser, demo.broadcastUrl, demo.token);
    const viewer = await openViewer(browser, demo.viewerUrl);
    await waitForMedia(viewer.page, { frames: 30 });
    const longestGap = await watchFreezes(viewer.page);

    const framesNow = async () => (await videoStats(viewer.page)).framesDecoded;
    const keepsDecoding = async (what) => {
      const start = await framesNow();
      await waitFor(framesNow, { until: (f) => f > start + 30, timeoutMs: 30_000, what: `frames after ${what}` });
    };

    // The same broadcaster stops and goes live again.
    await broadcaster.page.click('#stop');
    await sleep(1000);
    await broadcaster.page.click('#golive');
    await waitFor(() => broadcaster.page.evaluate(() => window.lancastBroadcast.pc?.connectionState), {
      until: (s) => s === 'connected', timeoutMs: 30_000, what: 'the broadcaster to reconnect',
    });
    await keepsDecoding('the reconnect');
    const gapAfterReconnect = await longestGap();

    // A second broadcaster takes over the live stream.
    await broadcastFromBrowser(browser, demo.broadcastUrl, demo.token);
    await keepsDecoding('the takeover');
    const gapAfterTakeover = await longestGap();

    const sessions = await viewer.page.evaluate(() => window.lancastViewer.sessions);
    console.log(`viewer gap: ${Math.round(gapAfterReconnect)} ms over a stop + 1 s + go live; ` +
      `${Math.round(gapAfterTakeover)} ms longest including the takeover; WHEP sessions: ${sessions}`);
    assert.equal(sessions, 1, 'the viewer never needed a new WHEP session');
  }));
