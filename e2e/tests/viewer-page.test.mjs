// Our viewer page, served by the gateway at /, plays the demo's test pattern; the viewer comes
// through the bridge's portal, as a viewer given the one address would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openViewer, waitFor, withFixture } from '../lib/harness.mjs';

test('the viewer page plays, says so, and unmutes', { timeout: 160_000 }, () =>
  withFixture({ timeoutMs: 150_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: true });
    const browser = await fx.browser();
    const { page, errors } = await openViewer(browser, demo.portalUrl);
    const landed = new URL(page.url());
    assert.equal(landed.origin, new URL(demo.viewerUrl).origin, `the portal sent the viewer to the gateway: ${landed}`);
    assert.equal(landed.searchParams.get('stream'), 'main');

    const playingTime = () => page.evaluate(() => document.getElementById('video').currentTime);
    const started = await waitFor(playingTime, { timeoutMs: 60_000, what: 'video.currentTime to advance' });
    await waitFor(playingTime, {
      until: (t) => t > started + 1,
      timeoutMs: 10_000,
      what: `video.currentTime to pass ${started + 1} s`,
    });

    await waitFor(() => page.textContent('#state'), {
      until: (text) => /playing/.test(text),
      timeoutMs: 5_000,
      what: 'the state line to say playing',
    });
    assert.equal(await page.evaluate(() => window.lancastViewer.state), 'playing');

    assert.equal(await page.evaluate(() => document.getElementById('video').muted), true, 'starts muted');
    await page.click('#unmute');
    assert.equal(await page.evaluate(() => document.getElementById('video').muted), false, 'unmuted');
    assert.equal((await page.textContent('#unmute')).trim(), 'Mute');

    const pageErrors = errors.filter((e) => e.startsWith('pageerror'));
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the viewer page');
  }));
