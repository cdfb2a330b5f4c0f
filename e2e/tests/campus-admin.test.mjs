// Issue 20 (items 5, 6) on the campus test bed (lib/campus.mjs): the bridge's admin page, opened
// in a Chromium of subnet b with an admin token, says how each gateway gets the stream and why,
// and what its viewers saw. Multicast blocked into b mid-stream: gw-b's row says unicast since when
// and that multicast stopped mid-stream, and the stall its viewer's page measured shows there; then
// blocked into c too, with relays.max 1: the bridge refuses gw-c's copy and the page says
// "relays.max (1) reached" and that gw-c has no copy; b restored: back on multicast, one fallback.
// The delivery is asserted on the wire first (the router drops, the unicast copy arrives), then
// what the page shows is compared with the gateways' and the viewer's own figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openPage, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { campusUnavailable, createCampus } from '../lib/campus.mjs';
import { gatewaysServing, startCampusLancast, viewerIn } from '../lib/campus-lancast.mjs';
import { screenshots, seriousViolations } from '../lib/pages.mjs';

const skip = campusUnavailable() ?? false;

/** The admin page as a person reads it: the alert lines and the quality table's rows by gateway. */
function adminPage(page) {
  return page.evaluate(() => {
    const quality = {};
    for (const tr of document.querySelectorAll('#quality tr')) {
      const cells = [...tr.cells];
      quality[cells[0].textContent] = {
        delivery: cells[2].querySelector('span')?.textContent ?? cells[2].textContent,
        why: cells[2].querySelector('small')?.textContent ?? '',
        viewers: cells[3]?.textContent,
        stall: cells[8]?.textContent,
        freezes: cells[7]?.textContent,
      };
    }
    const copies = {};
    for (const tr of document.querySelectorAll('#gateways tr')) copies[tr.cells[0].textContent] = tr.cells[4]?.textContent;
    return {
      state: window.lancastAdmin.state,
      copies,
      alerts: document.getElementById('alerts').hidden ? [] : [...document.querySelectorAll('#alert-list li')].map((li) => li.textContent),
      quality,
    };
  });
}

function waitForPage(page, until, what, timeoutMs = 30_000) {
  return waitFor(() => adminPage(page), { until, timeoutMs, intervalMs: 1000, what });
}

test('the admin page says which gateway gets the stream by unicast and why, relays.max reached, and what viewers saw',
  { timeout: 300_000, skip },
  () => withFixture({ timeoutMs: 290_000 }, async (fx) => {
    const campus = createCampus({ subnets: ['b', 'c'] });
    fx.defer(() => campus.destroy());
    const adminToken = randomBytes(16).toString('hex');
    const lancast = await startCampusLancast(campus, fx.process, {
      ttl: 4, routeTo: ['b', 'c'], bridgeExtra: `relays:\n  max: 1\nadmin:\n  tokens: [${adminToken}]\n`,
    });
    await gatewaysServing(lancast, ['b', 'c']);
    const viewer = await viewerIn(fx, campus, 'b', `${lancast.gateways.b.url}/`);
    await waitForMedia(viewer.page, { frames: 60, timeoutMs: 60_000, label: 'viewer in b' });

    // The admin of subnet b opens the bridge's admin page: not loopback, so it asks for the token.
    const admin = await openPage(viewer.context.browser(), `${lancast.bridgeUrl}/admin`);
    await waitFor(() => admin.page.isVisible('#token-form'), { what: 'the admin page to ask for a token' });
    await admin.page.fill('#admin-token', adminToken);
    await admin.page.click('#token-form button[type="submit"]');
    const calm = await waitForPage(admin.page, (p) => p.state === 'live' && p.quality['gw-b']?.delivery === 'multicast'
      && p.quality['gw-c']?.delivery === 'multicast' && p.quality['gw-b'].viewers === '1 (1)', 'both gateways on multicast');
    assert.deepEqual(calm.alerts, [], 'nothing needs attention yet');

    // Multicast into b blocked mid-stream: gw-b takes a unicast copy.
    campus.blockMulticast('b');
    const b = await waitForPage(admin.page, (p) => p.quality['gw-b']?.delivery.startsWith('unicast since'),
      'the page to say gw-b is on unicast');
    console.log(`b blocked: ${JSON.stringify(b)}`);
    assert.ok(campus.routerCounters().blocked.b > 0, 'the router really drops the group for b');
    const statusB = (await lancast.gatewayStatus('b')).streams[0].delivery;
    assert.equal(statusB.reason, 'lost');
    assert.match(b.quality['gw-b'].why, /^multicast stopped arriving mid-stream/);
    assert.ok(b.alerts.some((a) => /^gw-b \(.*\), stream main: unicast since .*multicast stopped arriving mid-stream/.test(a)),
      `an alert line names gw-b and why: ${JSON.stringify(b.alerts)}`);
    assert.equal((await lancast.status()).relays.length, 1, 'the bridge runs the copy');
    assert.match(b.copies['gw-b'], /^main since \d\d:\d\d:\d\d \(lost\)$/, 'the Gateways table lists the bridge\'s copy');
    assert.equal(b.copies['gw-c'], '–');

    // The viewer's page saw the switch as a stall, and the admin page shows what it reported.
    const reported = await waitFor(() => viewer.page.evaluate(() => window.lancastViewer.quality.last), {
      until: (last) => last?.stallMs >= 500, timeoutMs: 30_000, what: 'the viewer page to report the stall of the switch',
    });
    const seen = await waitForPage(admin.page, (p) => Number(p.quality['gw-b']?.stall.match(/^(\d+) ms$/)?.[1]) >= reported.stallMs,
      'the page to show the viewer\'s stall');
    console.log(`viewer reported ${JSON.stringify(reported)}; the page shows ${JSON.stringify(seen.quality['gw-b'])}`);

    // Multicast into c blocked as well: relays.max is 1, so the bridge refuses gw-c its copy.
    campus.blockMulticast('c');
    const full = await waitForPage(admin.page, (p) => p.alerts.some((a) => a.startsWith('relays.max (1) reached'))
      && p.quality['gw-c']?.delivery.startsWith('waiting for a unicast copy since'), 'the page to say relays.max is reached and gw-c has no copy');
    console.log(`c blocked: ${JSON.stringify(full)}`);
    const bridge = await lancast.status();
    assert.ok(bridge.relaysRefused > 0 && bridge.relaysMax === 1, `the bridge refused: ${JSON.stringify(bridge)}`);
    assert.equal(full.copies['gw-c'], '–', 'no copy for gw-c');
    assert.match(full.quality['gw-c'].why, /^the bridge runs no copy for it \(relays\.max reached\?\); multicast stopped/);
    assert.deepEqual(await seriousViolations(admin.page), [], 'no serious accessibility violation with the alerts up');
    await screenshots(admin.page, 'admin-fallback');

    // b restored: back on multicast, with its one fallback said.
    campus.restoreMulticast('b');
    const back = await waitForPage(admin.page, (p) => p.quality['gw-b']?.delivery === 'multicast',
      'the page to say gw-b is back on multicast', 60_000);
    assert.match(back.quality['gw-b'].why, /^back on multicast since .*; 1 fallback\(s\) so far$/);
    assert.equal((await lancast.gatewayStatus('b')).streams[0].delivery.mode, 'multicast');
    assert.ok(!back.alerts.some((a) => a.startsWith('gw-b')), 'no alert for gw-b any more');
    assert.deepEqual(admin.errors.filter((e) => e.startsWith('pageerror')), [], 'no script errors in the admin page');
  }));
