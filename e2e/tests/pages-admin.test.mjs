// Issue 15: the admin page at /admin on the bridge (open on loopback, as in the demo) lists the
// running stream with its state, bitrate, key id and groups, the gateway with its subnet, viewers
// and health, and draws the viewers and bitrate history as charts with points; its data API
// refuses nothing here but needs no token only because we are on loopback; axe-core finds no
// serious violation; screenshots at desktop and phone sizes.
// Issue 20 (items 5, 6): its quality table shows, per gateway and stream, the delivery (multicast
// here) and what a real viewer page reported: the freeze its browser counted when the broadcaster
// stopped for 1.5 s (SIGSTOP), that stall, and its join time, as the viewer page itself measured them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LANCAST, openPage, openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { screenshots, seriousViolations } from '../lib/pages.mjs';

/** The viewer page's browser's own freeze counts (WebRTC stats of its session on screen). */
function freezesSeen(page) {
  return page.evaluate(async () => {
    for (const s of (await window.lancastViewer.pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'video') return { count: s.freezeCount ?? 0, seconds: s.totalFreezesDuration ?? 0 };
    }
    return { count: 0, seconds: 0 };
  });
}

test('the admin page lists the stream and gateway, charts their history and shows what the viewer saw',
  { timeout: 240_000 }, () => withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const demo = await fx.demo();
    // A sender of our own, so that the test can hold it (the demo's test pattern runs in its JVM).
    const sender = fx.process('send', LANCAST, ['send', '--whip', demo.whipUrl, '--token', demo.token]);
    const browser = await fx.browser();
    const viewer = await openViewer(browser, demo.portalUrl);
    await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });
    const joined = await waitFor(() => viewer.page.evaluate(() => window.lancastViewer.quality), {
      until: (q) => q.joinMs != null && q.reports >= 1, what: 'the viewer page to report its join time',
    });

    // The broadcaster stops for 1.5 s: the viewer's picture freezes, as its own browser counts it.
    process.kill(-sender.child.pid, 'SIGSTOP');
    await sleep(1500);
    process.kill(-sender.child.pid, 'SIGCONT');
    const frozen = await waitFor(() => freezesSeen(viewer.page), {
      until: (f) => f.count >= 1, timeoutMs: 20_000, what: 'the viewer\'s browser to count a freeze',
    });
    const reported = await waitFor(() => viewer.page.evaluate(() => window.lancastViewer.quality), {
      until: (q) => q.last?.freezes >= frozen.count, timeoutMs: 30_000, what: 'the viewer page to report the freeze',
    });
    console.log(`viewer: join ${joined.joinMs} ms, freezes ${JSON.stringify(frozen)}, last report ${JSON.stringify(reported.last)}`);

    const { page, errors } = await openPage(browser, `${demo.bridgeBase}/admin`);
    const shown = await waitFor(() => page.evaluate(() => {
      const rows = (id) => [...document.querySelectorAll(`#${id} tr`)].map((tr) => [...tr.cells].map((c) => c.textContent));
      return {
        state: window.lancastAdmin.state,
        points: window.lancastAdmin.chartPoints,
        streams: rows('streams'),
        gateways: rows('gateways'),
        quality: rows('quality'),
        groups: rows('groups'),
        alerts: document.getElementById('alerts').hidden ? []
          : [...document.querySelectorAll('#alert-list li')].map((li) => li.textContent),
        reload: document.getElementById('reload').textContent,
        canvases: document.querySelectorAll('#chart-viewers canvas, #chart-bitrate canvas').length,
      };
    }), {
      // Samples come every 5 s; a viewer line needs the viewer to have been counted in two.
      until: (s) => s.state === 'live' && s.points.viewers >= 3 && s.points.bitrate >= 3
        && s.gateways.some((g) => g[2]?.startsWith('1 /')) && s.streams[0]?.[1] === 'live'
        && s.streams[0]?.[5] !== '–' && s.quality[0]?.[3] === '1 (1)' && /^[1-9]/.test(s.quality[0]?.[7] ?? ''),
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'the admin page to list the live stream, the gateway with its viewer and its report, and chart points',
    });
    console.log(`admin page: ${JSON.stringify(shown)}`);
    const [stream] = shown.streams;
    assert.equal(stream[0], 'main');
    assert.match(stream[2], /bit\/s/, 'the stream\'s received bitrate');
    assert.match(stream[4], /^\d+$/, 'the key id in use');
    const [gateway] = shown.gateways;
    assert.equal(gateway[0], 'demo-gateway');
    assert.match(gateway[1], /^[0-9.]+\/\d+$/, 'the gateway\'s subnet');
    assert.match(gateway[3], /^ok/, 'the gateway is healthy');
    assert.equal(gateway[4], '–', 'the bridge sends it no unicast copy (multicast arrives)');
    assert.match(shown.groups[0][1], new RegExp(`^${demo.group.replace(/\./g, '\\.')}:\\d+$`), 'the video group');
    assert.match(shown.reload, /No config reload/);
    assert.equal(shown.canvases, 2, 'both charts are drawn');

    // The quality row: the delivery, and the viewer's own figures as its page measured them.
    const [name, streamName, delivery, viewers, hop, , , freezes, stall, join] = shown.quality[0];
    assert.deepEqual([name, streamName, delivery, viewers], ['demo-gateway', 'main', 'multicast', '1 (1)']);
    assert.match(hop, /^\d+ \/ \d+ \/ \d+$/, 'lost / repaired / unrecovered on the multicast hop');
    // The freezes its browser counted, as of one of its reports (one may have come since).
    const latest = await viewer.page.evaluate(() => window.lancastViewer.quality.last);
    const shownFreezes = Number(freezes.match(/^(\d+) /)?.[1]);
    assert.ok(shownFreezes >= reported.last.freezes && shownFreezes <= latest.freezes,
      `the page shows ${shownFreezes} freezes, the viewer reported ${reported.last.freezes} then ${latest.freezes}`);
    assert.ok(Number(stall.match(/^(\d+) ms$/)?.[1]) >= 1000, `the 1.5 s stall the viewer saw: ${stall}`);
    assert.equal(join, `${joined.joinMs} / ${joined.joinMs} ms (1)`, 'the viewer\'s join time (answer to first frame)');
    assert.deepEqual(shown.alerts, [], 'nothing needs attention: multicast arrives, no relay refused');

    // The history says what the charts draw: the viewer was counted, the stream had a bitrate.
    const history = await (await fetch(`${demo.bridgeBase}/api/admin/history`)).json();
    assert.ok(history.samples.some((s) => s.viewers >= 1), 'a sample counts the viewer');
    assert.ok(history.samples.some((s) => s.bitrateBps.main > 0), 'a sample has the stream\'s bitrate');

    assert.deepEqual(await seriousViolations(page), [], 'no serious accessibility violation');
    await screenshots(page, 'admin');
    assert.deepEqual(errors, [], 'no errors in the admin page');
    // (Its console has the 503s of the offers made before the sender was live.)
    assert.deepEqual(viewer.errors.filter((e) => e.startsWith('pageerror')), [], 'no script errors in the viewer page');
  }));
