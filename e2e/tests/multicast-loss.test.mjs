// Issue 3: 5 % random loss on the multicast hop (nftables at the gateway host) is repaired by
// NACKs to the bridge; two Chromium viewers on the gateway's subnet see (almost) none of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openViewer, videoStats, waitForMedia, withFixture } from '../lib/harness.mjs';
import { createTwoHosts, netnsUnavailable } from '../lib/netns.mjs';
import { startLan, watchFreezes } from '../lib/lan.mjs';

const LOSS_PERCENT = 5;
const PLAY_MS = 20_000;

test(`${LOSS_PERCENT} % multicast loss is repaired before viewers see it`, { timeout: 240_000, skip: netnsUnavailable() ?? false },
  () => withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const net = createTwoHosts();
    fx.defer(() => net.destroy());
    net.dropMulticastAtGateway(LOSS_PERCENT);
    const lan = await startLan(fx, net);
    const browser = await fx.browser({ executablePath: net.chromiumInGateway() });
    const viewers = [await openViewer(browser, lan.viewerUrl), await openViewer(browser, lan.viewerUrl)];
    for (const v of viewers) await waitForMedia(v.page, { frames: 10, timeoutMs: 60_000 });
    const before = await Promise.all(viewers.map((v) => videoStats(v.page)));
    const freezes = await Promise.all(viewers.map((v) => watchFreezes(v.page)));
    await sleep(PLAY_MS);
    const after = await Promise.all(viewers.map((v) => videoStats(v.page)));
    const status = await viewers[0].page.evaluate(() => fetch('/api/status').then((r) => r.json()));
    const dropped = net.droppedAtGateway();
    console.log(`nftables dropped ${dropped} multicast packets at the gateway host; gateway: ${JSON.stringify(status.streams[0])}`);
    for (let i = 0; i < viewers.length; i++) {
      const received = after[i].packetsReceived - before[i].packetsReceived;
      const lost = after[i].packetsLost - before[i].packetsLost;
      const frames = after[i].framesDecoded - before[i].framesDecoded;
      const longestGap = await freezes[i]();
      const lossPct = (100 * lost) / (received + lost);
      console.log(`viewer ${i + 1}: ${received} video packets, ${lost} lost (${lossPct.toFixed(3)} %), ` +
        `${frames} frames in ${PLAY_MS / 1000} s, longest gap between frames ${Math.round(longestGap)} ms`);
      assert.ok(received > 500, `viewer ${i + 1} received video`);
      assert.ok(lossPct < 0.5, `viewer ${i + 1}: ${lossPct.toFixed(3)} % of video packets lost`);
      // Repairs come within tens of ms; a gap this long is a repair that failed, not a slow machine.
      assert.ok(longestGap < 1500, `viewer ${i + 1}: a ${Math.round(longestGap)} ms freeze`);
    }
    assert.ok(dropped > 50, 'the loss rule really dropped packets');
    assert.ok(status.streams[0].repaired > 0, 'the gateway repaired packets');
  }));
