// Issue 15: the viewer page as people use it. It plays; when the broadcaster stops it says the
// broadcast is not on and waits, and it plays again when the broadcaster returns, without a
// reload; its stats panel (key "s") shows a bitrate that moves; axe-core finds no serious
// accessibility violation; screenshots at desktop and phone sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { screenshots, seriousViolations } from '../lib/pages.mjs';

test('the viewer page plays, waits while the broadcast is off, plays again, and shows its stats', { timeout: 230_000 }, () =>
  withFixture({ timeoutMs: 220_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: false });
    let sender = fx.sender(demo.whipUrl, demo.token);
    const browser = await fx.browser();
    const { page, errors } = await openViewer(browser, demo.portalUrl);
    await waitForMedia(page, { frames: 30, timeoutMs: 60_000 });
    const viewerState = () => page.evaluate(() => ({
      state: window.lancastViewer.state,
      text: document.getElementById('state').textContent,
      badge: document.getElementById('live-badge').textContent,
      overlay: document.getElementById('stage-message').hidden ? null : document.getElementById('stage-message').textContent,
    }));
    let seen = await waitFor(viewerState, { until: (s) => s.state === 'playing', what: 'the page to say playing' });
    assert.equal(seen.badge, 'LIVE');
    assert.equal(seen.overlay, null, 'no message over a playing picture');
    await page.evaluate(() => { window.notReloaded = true; });

    // The stats panel opens with its key and its bitrate moves from one second to the next.
    assert.equal(await page.isVisible('#stats'), false);
    await page.keyboard.press('s');
    assert.equal(await page.isVisible('#stats'), true, 'key s opens the stats panel');
    assert.equal(await page.getAttribute('#stats-toggle', 'aria-expanded'), 'true');
    const bitrates = new Set();
    await waitFor(async () => {
      bitrates.add(await page.textContent('#stat-bitrate'));
      return [...bitrates].filter((b) => /bit\/s/.test(b));
    }, { until: (b) => b.length >= 3, timeoutMs: 20_000, intervalMs: 1000, what: 'three different bitrates' });
    const resolution = await page.textContent('#stat-resolution');
    assert.match(resolution, /^\d+×\d+$/, `resolution shown: ${resolution}`);
    assert.match(await page.textContent('#stat-fps'), /\d+ fps/);
    assert.match(await page.textContent('#stat-gateway'), new RegExp(new URL(demo.viewerUrl).host.replace(/\./g, '\\.')));
    console.log(`bitrates seen: ${[...bitrates].join(', ')}; resolution ${resolution}`);

    // Full screen (button or key f) shows the picture with its messages; the button says how to leave.
    await page.click('#fullscreen');
    await waitFor(() => page.evaluate(() => document.fullscreenElement?.id), {
      until: (id) => id === 'stage', timeoutMs: 5_000, what: 'the stage to go full screen',
    });
    // The label follows the fullscreenchange event, which fires a frame after fullscreenElement is set.
    await waitFor(async () => (await page.textContent('#fullscreen')).trim(), {
      until: (label) => label === 'Leave full screen', timeoutMs: 5_000, what: 'the button to say how to leave',
    });
    await page.evaluate(() => document.exitFullscreen());
    await waitFor(() => page.evaluate(() => document.fullscreenElement === null), { timeoutMs: 5_000, what: 'full screen to end' });

    assert.deepEqual(await seriousViolations(page), [], 'no serious accessibility violation (playing, stats open)');
    await screenshots(page, 'viewer');

    // The broadcaster goes away: the page says so and waits, the picture keeps a message on it.
    await sender.stop();
    seen = await waitFor(viewerState, {
      until: (s) => s.state === 'not-live',
      timeoutMs: 30_000,
      what: 'the page to say the broadcast is off',
    });
    assert.match(seen.text, /has not started or has ended; waiting/);
    assert.equal(seen.badge, 'offline');
    assert.match(seen.overlay, /waiting/);
    assert.deepEqual(await seriousViolations(page), [], 'no serious accessibility violation (waiting)');
    await screenshots(page, 'viewer-waiting', { settleMs: 500 });

    // It comes back: the same page plays again by itself.
    sender = fx.sender(demo.whipUrl, demo.token);
    const decoded = () => page.evaluate(() => ({
      frames: window.lancastViewer.stats.framesDecoded ?? 0,
      sessions: window.lancastViewer.sessions,
    }));
    const before = await decoded();
    await waitFor(viewerState, { until: (s) => s.state === 'playing', timeoutMs: 60_000, what: 'the page to play again' });
    await waitFor(decoded, {
      until: (d) => d.frames > (d.sessions === before.sessions ? before.frames : 0) + 30,
      timeoutMs: 20_000,
      what: 'frames decoded after the return',
    });
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');

    // Keyboard: the controls are buttons reached with Tab, and m mutes/unmutes.
    assert.equal(await page.evaluate(() => document.getElementById('video').muted), true, 'starts muted');
    await page.keyboard.press('m');
    assert.equal(await page.evaluate(() => document.getElementById('video').muted), false, 'key m unmutes');
    assert.deepEqual(errors.filter((e) => e.startsWith('pageerror')), [], 'no uncaught errors in the viewer page');
  }));
