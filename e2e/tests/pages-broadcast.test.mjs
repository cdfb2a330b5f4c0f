// Issue 15: the broadcast page goes live with the fake camera, shows what it sends (bitrate,
// resolution, frame rate) and how many watch across the gateways, gives the viewers' portal link
// as a QR code, and says clearly when the token is wrong or the camera is refused; axe-core finds
// no serious violation; screenshots at desktop and phone sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastFromBrowser, openPage, openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { screenshots, seriousViolations } from '../lib/pages.mjs';

test('the broadcast page goes live, shows its stats, viewers and QR code, and refuses a wrong token clearly', { timeout: 200_000 }, () =>
  withFixture({ timeoutMs: 190_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: false });
    const browser = await fx.browser();

    // Before going live: the page is usable and accessible, and already shows the viewers' link.
    const idle = await openPage(browser, demo.broadcastUrl);
    await waitFor(() => idle.page.evaluate(() => window.lancastBroadcast.state), {
      until: (s) => s === 'idle', what: 'the camera to open',
    });
    assert.deepEqual(await seriousViolations(idle.page), [], 'no serious accessibility violation (idle)');
    await idle.close();

    const broadcaster = await broadcastFromBrowser(browser, demo.broadcastUrl, demo.token);
    const { page, errors } = broadcaster;
    const link = await page.getAttribute('#viewer-link', 'href');
    assert.equal(link, `${demo.bridgeBase}/watch/main`, 'the link is the portal on this bridge');
    assert.equal(await page.evaluate(() => document.querySelectorAll('#qr img, #qr canvas').length > 0), true,
      'a QR code is drawn');
    assert.equal(await page.getAttribute('#qr', 'title'), link, 'the QR code holds the link');

    const viewer = await openViewer(browser, link);
    await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });
    const shown = await waitFor(() => page.evaluate(() => ({
      state: window.lancastBroadcast.state,
      status: document.getElementById('status').textContent,
      badge: document.getElementById('live-badge').textContent,
      bitrate: document.getElementById('stat-bitrate').textContent,
      resolution: document.getElementById('stat-resolution').textContent,
      fps: document.getElementById('stat-fps').textContent,
      viewers: document.getElementById('stat-viewers').textContent,
      bps: window.lancastBroadcast.stats.bitrateBps,
    })), {
      until: (s) => s.state === 'live' && s.bps > 50_000 && /^\d+×\d+$/.test(s.resolution) && Number(s.viewers) >= 1,
      timeoutMs: 45_000,
      what: 'the broadcast page to show its bitrate, resolution and the viewer',
    });
    console.log(`broadcast page shows: ${JSON.stringify(shown)}`);
    assert.match(shown.status, /live on main/);
    assert.equal(shown.badge, 'LIVE');
    assert.match(shown.fps, /\d+ fps/);

    assert.deepEqual(await seriousViolations(page), [], 'no serious accessibility violation (live)');
    await screenshots(page, 'broadcast');

    // A wrong token: said as such, no retry, Go live usable again.
    const wrong = await openPage(browser, demo.broadcastUrl);
    await wrong.page.fill('#token', 'not-the-token');
    await wrong.page.click('#golive');
    const refused = await waitFor(() => wrong.page.evaluate(() => ({
      state: window.lancastBroadcast.state,
      status: document.getElementById('status').textContent,
      canRetry: !document.getElementById('golive').disabled,
    })), { until: (s) => s.state === 'unauthorized', what: 'the page to say the token is wrong' });
    assert.match(refused.status, /wrong token/);
    assert.equal(refused.canRetry, true);
    assert.equal(await page.evaluate(() => window.lancastBroadcast.state), 'live', 'the real broadcaster is undisturbed');

    // A refused camera (the person said no: the browser rejects with NotAllowedError) is said so.
    const context = await browser.newContext();
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const refusedCamera = await context.newPage();
    await refusedCamera.goto(demo.broadcastUrl);
    const noCamera = await waitFor(() => refusedCamera.evaluate(() => ({
      state: window.lancastBroadcast.state,
      status: document.getElementById('status').textContent,
    })), { until: (s) => s.state === 'no-camera', what: 'the page to say the camera was refused' });
    assert.match(noCamera.status, /refused the camera or microphone: allow it in the site settings/);
    await context.close();
    assert.deepEqual(errors.filter((e) => e.startsWith('pageerror')), [], 'no uncaught errors in the broadcast page');
  }));
