// A browser publishes with our broadcast page; several browsers watch with our viewer page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  broadcastFromBrowser, expectAudioGrowing, measureJoin, openViewer, waitForMedia, withFixture,
} from '../lib/harness.mjs';

const VIEWERS = 3;
const LATE_JOIN_DELAY_MS = 5_000;
// A late joiner decodes at all (the keyframe request reaches the browser's encoder): generous for a
// starved machine; the time is printed, and measured in docs/benchmarks.md.
const JOIN_LIMIT_MS = 5_000;

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
    const joinMs = await measureJoin(browser, demo.viewerUrl);
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
