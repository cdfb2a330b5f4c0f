// `lancast send` (the CLI sender) publishes; a browser watches with our viewer page.
import { test } from 'node:test';
import { expectAudioGrowing, openViewer, waitForMedia, withFixture } from '../lib/harness.mjs';

test('the CLI sender reaches a browser viewer', { timeout: 160_000 }, () =>
  withFixture({ timeoutMs: 150_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: false });
    fx.sender(demo.whipUrl, demo.token);
    const browser = await fx.browser();
    const viewer = await openViewer(browser, demo.viewerUrl);

    const { video } = await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });
    await expectAudioGrowing(viewer.page);
    console.log(`viewer: ${video.framesDecoded} frames decoded, ${video.frameWidth} px wide`);
  }));
