// Issue 4: a hostile host on the multicast link forges packets, replays captured ones, and
// replays packets under a key the bridge has rotated away. The viewer keeps playing cleanly and
// the gateway counts each kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { openViewer, REPO_ROOT, videoStats, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { createTwoHosts, netnsUnavailable } from '../lib/netns.mjs';
import { startLan } from '../lib/lan.mjs';

test('forged, replayed and old-key multicast packets are dropped, counted and never reach viewers',
  { timeout: 240_000, skip: netnsUnavailable() ?? false },
  () => withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const net = createTwoHosts();
    fx.defer(() => net.destroy());
    const lan = await startLan(fx, net, { rotateSeconds: 5 });
    const hostileIp = net.addBridgeHostAddress(3);
    const browser = await fx.browser({ executablePath: net.chromiumInGateway() });
    const viewer = await openViewer(browser, lan.viewerUrl);
    await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });
    const freezeCount = () => viewer.page.evaluate(async () => {
      for (const s of (await window.lancastViewer.pc.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'video') return s.freezeCount ?? 0;
      }
      return 0;
    });
    const freezesBefore = await freezeCount();

    // Two rotations (5 s each) pass between capture and the old-key replay.
    const hostile = fx.process('hostile', 'ip', ['netns', 'exec', net.bridgeNs, process.execPath,
      resolve(REPO_ROOT, 'e2e/lib/hostile.mjs'), lan.group, String(lan.videoPort), hostileIp, '12000']);
    const report = await hostile.waitForOutput((o) => {
      const line = o.split('\n').find((l) => l.startsWith('{'));
      return line ? JSON.parse(line) : null;
    }, 120_000);

    const status = await waitFor(() => viewer.page.evaluate(() => fetch('/api/status').then((r) => r.json())), {
      until: (s) => s.streams[0].multicastDroppedBy.unknown_key >= report.oldKey, timeoutMs: 10_000,
      what: 'the gateway to count the old-key packets',
    });
    const drops = status.streams[0].multicastDroppedBy;
    console.log(`hostile sent ${JSON.stringify(report)}; gateway dropped ${JSON.stringify(drops)}`);
    assert.equal(drops.auth_failed, report.forged, 'every forged packet failed authentication');
    assert.equal(drops.replayed, report.replayed, 'every replay was caught');
    assert.equal(drops.unknown_key, report.oldKey, 'every packet under a rotated-away key was refused');

    const frames = (await videoStats(viewer.page)).framesDecoded;
    await waitFor(async () => (await videoStats(viewer.page)).framesDecoded, {
      until: (f) => f > frames + 30, timeoutMs: 10_000, what: 'the viewer to keep decoding',
    });
    assert.equal(await freezeCount(), freezesBefore, 'the viewer did not freeze');
  }));
