// Issue 15: the admin page at /admin on the bridge (open on loopback, as in the demo) lists the
// running stream with its state, bitrate, key id and groups, the gateway with its subnet, viewers
// and health, and draws the viewers and bitrate history as charts with points; its data API
// refuses nothing here but needs no token only because we are on loopback; axe-core finds no
// serious violation; screenshots at desktop and phone sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { screenshots, seriousViolations } from '../lib/pages.mjs';

test('the admin page lists the stream and gateway and charts their history', { timeout: 200_000 }, () =>
  withFixture({ timeoutMs: 190_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: true });
    const browser = await fx.browser();
    const viewer = await openViewer(browser, demo.portalUrl);
    await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });

    const { page, errors } = await openPage(browser, `${demo.bridgeBase}/admin`);
    const shown = await waitFor(() => page.evaluate(() => ({
      state: window.lancastAdmin.state,
      points: window.lancastAdmin.chartPoints,
      streams: [...document.querySelectorAll('#streams tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
      gateways: [...document.querySelectorAll('#gateways tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
      groups: [...document.querySelectorAll('#groups tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
      reload: document.getElementById('reload').textContent,
      canvases: document.querySelectorAll('#chart-viewers canvas, #chart-bitrate canvas').length,
    })), {
      // Samples come every 5 s; a viewer line needs the viewer to have been counted in two.
      until: (s) => s.state === 'live' && s.points.viewers >= 3 && s.points.bitrate >= 3
        && s.gateways.some((g) => g[2]?.startsWith('1 /')) && s.streams[0]?.[1] === 'live'
        && s.streams[0]?.[5] !== '–',
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'the admin page to list the live stream, the gateway with its viewer, and chart points',
    });
    console.log(`admin page: ${JSON.stringify(shown)}`);
    const [stream] = shown.streams;
    assert.equal(stream[0], 'main');
    assert.match(stream[2], /bit\/s/, 'the stream\'s received bitrate');
    assert.match(stream[4], /^\d+$/, 'the key id in use');
    const [gateway] = shown.gateways;
    assert.equal(gateway[0], 'demo-gateway');
    assert.match(gateway[1], /^[0-9.]+\/\d+$/, 'the gateway\'s subnet');
    assert.match(gateway[5], /^ok/, 'the gateway is healthy');
    assert.match(shown.groups[0][1], new RegExp(`^${demo.group.replace(/\./g, '\\.')}:\\d+$`), 'the video group');
    assert.match(shown.reload, /No config reload/);
    assert.equal(shown.canvases, 2, 'both charts are drawn');

    // The history says what the charts draw: the viewer was counted, the stream had a bitrate.
    const history = await (await fetch(`${demo.bridgeBase}/api/admin/history`)).json();
    assert.ok(history.samples.some((s) => s.viewers >= 1), 'a sample counts the viewer');
    assert.ok(history.samples.some((s) => s.bitrateBps.main > 0), 'a sample has the stream\'s bitrate');

    assert.deepEqual(await seriousViolations(page), [], 'no serious accessibility violation');
    await screenshots(page, 'admin');
    assert.deepEqual(errors, [], 'no errors in the admin page');
  }));
