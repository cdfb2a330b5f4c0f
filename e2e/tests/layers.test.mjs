// Issue 23: every viewer gets the best picture its link carries. A stream takes three video layers,
// each on its own group (audio on a fourth). A single-layer publisher (`lancast send`) plays on it
// as on any stream; then a Chromium broadcaster publishes three simulcast layers (the broadcast
// page, 720p of a camera that cannot be squeezed: lib/y4m.mjs). Two Chromium viewers on hosts of
// their own watch through one gateway, one of them policed by nftables to ~700 kbit/s: the policed
// one settles on a lower layer and plays with little loss, the other stays on the top layer
// (1280 px wide); the gateway has joined the groups of the layers its viewers are on, and leaves a
// layer's group once no viewer needs it (/proc/net/igmp in its namespace): a viewer that picks the
// middle layer makes the gateway join its group, and the group is left once the linger has passed
// after the viewer moved away. The quality picker: a viewer asks for the lowest layer and gets it;
// "Auto" brings it back up, from the gateway's cache (no keyframe asked for). One fixture, one
// subtest per behaviour (each fails on its own); figures are printed for docs/benchmarks.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LANCAST, openViewer, waitFor, withFixture } from '../lib/harness.mjs';
import { netnsUnavailable } from '../lib/netns.mjs';
import { watchFreezes } from '../lib/lan.mjs';
import { inbound, publishFromBroadcastPage, publisherStats, startLayeredLan } from '../lib/layers.mjs';

const POLICED_KBPS = 700;
const WINDOW_MS = 10_000;
const LINGER_MS = 10_000; // GroupMembership.LINGER_SECONDS

/** Samples the page's decoded width every 50 ms; resolves the wall time it first matches. */
function widthAt(page, until, timeoutMs = 30_000) {
  return page.evaluate(({ until, timeoutMs }) => new Promise((resolve) => {
    const start = Date.now();
    const tick = async () => {
      for (const s of (await window.lancastViewer.pc.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.frameWidth === until) {
          resolve(Date.now());
          return;
        }
      }
      if (Date.now() - start > timeoutMs) resolve(-1);
      else setTimeout(tick, 50);
    };
    tick();
  }), { until, timeoutMs });
}

test('simulcast layers: each viewer gets the layer its link carries, the picker switches, the gateway joins only what is needed',
  { timeout: 480_000, skip: netnsUnavailable() ?? false },
  (t) => withFixture({ timeoutMs: 470_000 }, async (fx) => {
    const failed = [];
    // A subtest of its own, so that each behaviour passes or fails by itself on the one LAN.
    const step = (name, fn) => t.test(name, async () => {
      try {
        await fn();
      } catch (e) {
        failed.push(name);
        throw e;
      }
    });
    const lan = await startLayeredLan(fx, { viewers: ['free', 'policed'] });

    // A single-layer publisher on a stream that takes layers plays as before.
    const sender = fx.process('send', 'ip', ['netns', 'exec', lan.bridgeHost.ns, LANCAST, 'send', '--whip', lan.whipUrl,
      '--token', lan.token]);
    await sender.waitForOutput((out) => out.includes('publishing the test clip'), 90_000);
    const free = await openViewer(await fx.browser({ executablePath: lan.chromiumIn(lan.viewerHosts.free.host) }),
      lan.viewerUrl);
    const single = await waitFor(() => inbound(free.page), { until: (s) => s.framesDecoded > 20, timeoutMs: 60_000,
      what: 'a viewer to decode the single-layer publisher' });
    console.log(`single-layer publisher: ${single.frameWidth}x${single.frameHeight}, ${single.framesDecoded} frames`);
    await sender.stop();

    // The broadcast page takes over with three layers; the viewer's session goes on, on the top one.
    const broadcaster = await publishFromBroadcastPage(fx, lan);
    assert.equal(await broadcaster.page.evaluate(() => window.lancastBroadcast.layers), 3, 'the page sends 3 layers');
    await waitFor(() => inbound(free.page), { until: (s) => s.frameWidth === 1280, timeoutMs: 60_000, intervalMs: 500,
      what: 'the unpoliced viewer to decode the 1280 px layer' });
    console.log(`publisher: ${await publisherStats(broadcaster.page)}`);

    lan.police('policed', POLICED_KBPS);
    const policed = await openViewer(await fx.browser({ executablePath: lan.chromiumIn(lan.viewerHosts.policed.host) }),
      lan.viewerUrl);

    await step('a viewer policed to ~700 kbit/s settles on a lower layer with little loss; the other stays on the top one',
      async () => {
        // It joins on the top layer, as every viewer does, and moves down.
        const firstFrame = await waitFor(() => inbound(policed.page), { until: (s) => s.framesDecoded > 0,
          timeoutMs: 60_000, intervalMs: 100, what: 'the policed viewer to decode a frame' });
        const playingAt = Date.now();
        const settled = await waitFor(() => inbound(policed.page), {
          until: (s) => s.frameWidth > 0 && s.frameWidth < 1280, timeoutMs: 60_000, intervalMs: 100,
          what: 'the policed viewer to decode a lower layer' });
        console.log(`policed viewer: first frame ${firstFrame.frameWidth} px; ${settled.frameWidth}x${settled.frameHeight} `
          + `${Date.now() - playingAt} ms after its first frame`);

        // Ten seconds of play once settled: loss and freezes as the browser counts them.
        await sleep(3_000);
        const gaps = await watchFreezes(policed.page);
        const [before, freeBefore, policedBefore] = [await inbound(policed.page), await inbound(free.page),
          lan.policed('policed')];
        await sleep(WINDOW_MS);
        const [after, freeAfter] = [await inbound(policed.page), await inbound(free.page)];
        const received = after.packetsReceived - before.packetsReceived;
        const lost = after.packetsLost - before.packetsLost;
        const lossPct = (100 * lost) / Math.max(1, received + lost);
        const frozenMs = 1000 * (after.totalFreezesDuration - before.totalFreezesDuration);
        console.log(`policed viewer, ${WINDOW_MS / 1000} s: ${after.frameWidth}x${after.frameHeight}, ${received} packets, `
          + `${lost} lost (${lossPct.toFixed(2)} %), ${after.framesDecoded - before.framesDecoded} frames, frozen `
          + `${Math.round(frozenMs)} ms in ${after.freezeCount - before.freezeCount} freezes, longest gap `
          + `${Math.round(await gaps())} ms; the policer dropped ${lan.policed('policed') - policedBefore}`);
        console.log(`unpoliced viewer, ${WINDOW_MS / 1000} s: ${freeAfter.frameWidth}x${freeAfter.frameHeight}, `
          + `${freeAfter.framesDecoded - freeBefore.framesDecoded} frames, ${freeAfter.packetsLost - freeBefore.packetsLost} `
          + `lost, frozen ${Math.round(1000 * (freeAfter.totalFreezesDuration - freeBefore.totalFreezesDuration))} ms`);
        // The gateway's moves, for the figures (its log names each rung and the loss and rate that moved it).
        console.log(lan.gateway.output().split('\n').filter((l) => l.includes(': rung ')).join('\n'));
        assert.ok(after.frameWidth > 0 && after.frameWidth < 1280,
          `the policed viewer is on a lower layer (${after.frameWidth} px)`);
        assert.ok(after.framesDecoded > before.framesDecoded, 'the policed viewer plays');
        assert.ok(lossPct < 5, `the policed viewer loses little once settled (${lossPct.toFixed(2)} %)`);
        assert.equal(freeAfter.frameWidth, 1280, 'the unpoliced viewer stays on the top layer');
      });

    await step('the picker: a viewer asks for the lowest layer and gets it; "Auto" brings it back up from the cache',
      async () => {
        // A switch up replays the cache only when the top layer's group is whole at the gateway's decision;
        // on a loaded machine a multicast packet lost and not yet repaired at that moment sends it the
        // keyframe way instead (correct, but not what this step shows). So: up to three round trips,
        // each printed; one of them must come from the cache.
        let fromCache = false;
        for (let attempt = 1; attempt <= 3 && !fromCache; attempt++) {
          let status = await lan.status();
          const lowest = status.streams[0].layers[0];
          const down = widthAt(free.page, lowest.width);
          const askedDownAt = Date.now();
          await free.page.selectOption('#layer-picker', lowest.encodingId);
          const shownDown = await down;
          assert.ok(shownDown > 0, `the viewer decodes the ${lowest.width} px layer it asked for`);
          console.log(`picker: ${lowest.width} px shown ${shownDown - askedDownAt} ms after the choice`);
          await sleep(3_000);
          // A switch up is made from the cache when the top layer's group of pictures is whole and not
          // too long (the bridge asks for a keyframe of each layer every 3 s): wait for such a moment.
          // The publisher must be sending its top layer then (Chromium pauses it while its estimate of the
          // uplink is under the sum of the layers' rates, seen on this loaded machine at ~1.3 Mbit/s).
          const topSent = () => broadcaster.page.evaluate(async () => {
            for (const s of (await window.lancastBroadcast.pc.getStats()).values()) {
              if (s.type === 'outbound-rtp' && s.kind === 'video' && s.frameWidth === 1280) return s.framesPerSecond ?? 0;
            }
            return 0;
          });
          status = await waitFor(async () => ({ st: await lan.status(), fps: await topSent() }), {
            until: ({ st, fps }) => st.streams[0].layers.at(-1).cached > 0 && fps > 0, timeoutMs: 30_000, intervalMs: 200,
            what: 'the top layer to be sent and its group cached whole' }).then(({ st }) => st);
          console.log(`publisher before "Auto": ${await publisherStats(broadcaster.page)}`);
          const switchesBefore = status.streams[0].layerSwitches;
          const keyframesBefore = (await lan.bridgeStatus()).streams[0].keyframeRequestsReceived;
          // In the page: when the gateway reports the switch (its layer API, polled every 20 ms) and when
          // the first 1280 px frame is decoded.
          const upTimes = free.page.evaluate((top) => new Promise((resolve) => {
            const times = { switchedAt: 0, shownAt: 0 };
            const start = Date.now();
            const poll = async () => {
              const url = window.lancastViewer.sessionUrl;
              if (!times.switchedAt) {
                const layer = await (await fetch(`${url}/layer`, { cache: 'no-store' })).json();
                if (layer.current === top && layer.auto) times.switchedAt = Date.now();
              }
              if (!times.shownAt) {
                for (const s of (await window.lancastViewer.pc.getStats()).values()) {
                  if (s.type === 'inbound-rtp' && s.kind === 'video' && s.frameWidth === 1280) times.shownAt = Date.now();
                }
              }
              if ((times.switchedAt && times.shownAt) || Date.now() - start > 30_000) resolve(times);
              else setTimeout(poll, 20);
            };
            poll();
          }), status.streams[0].layers.at(-1).encodingId);
          const askedUpAt = Date.now();
          await free.page.selectOption('#layer-picker', '');
          const { switchedAt, shownAt } = await upTimes;
          assert.ok(shownAt > 0, '"Auto" brings the unpoliced viewer back to the top layer');
          status = await lan.status();
          const switchesAfter = status.streams[0].layerSwitches;
          const keyframesAfter = (await lan.bridgeStatus()).streams[0].keyframeRequestsReceived;
          console.log(`picker: Auto, 1280 px shown ${shownAt - askedUpAt} ms after the choice, ${shownAt - switchedAt} ms `
            + `after the gateway switched; switches ${JSON.stringify(switchesBefore)} -> ${JSON.stringify(switchesAfter)}, `
            + `keyframe requests the bridge took from gateways ${keyframesBefore} -> ${keyframesAfter}`);
          fromCache = switchesAfter.fromCache > switchesBefore.fromCache;
          console.log(`picker round trip ${attempt}: the switch up came ${fromCache ? 'from the cache' : 'at a keyframe'}`);
        }
        assert.ok(fromCache, 'the switch up came from the gateway\'s cache (in one of three round trips)');
      });

    await step('the gateway joins a layer\'s group while a viewer needs it and leaves it after the linger', async () => {
      let status = await lan.status();
      let joined = lan.joinedGroups();
      console.log(`gateway host joined ${joined.join(' ')} (layers ${lan.groups.video.join(' ')}, audio ${lan.groups.audio}); `
        + `${JSON.stringify(status.streams[0].layers.map((l) => [l.encodingId, l.viewers, l.joined]))}`);
      assert.ok(joined.includes(lan.groups.audio), 'audio is joined');
      for (const l of status.streams[0].layers) {
        if (l.viewers > 0) {
          assert.ok(joined.includes(lan.groups.video[l.layer]), `layer ${l.encodingId} (${l.viewers} viewers) is joined`);
        }
      }
      const [lowest, middle] = status.streams[0].layers;
      const middleGroup = lan.groups.video[middle.layer];
      // The policed viewer picks the lowest layer (in Auto it might be trying the middle one); once no
      // viewer has needed the middle layer for longer than the linger, its group is not joined.
      await policed.page.selectOption('#layer-picker', lowest.encodingId);
      await waitFor(() => lan.joinedGroups(), { until: (g) => !g.includes(middleGroup), timeoutMs: LINGER_MS + 20_000,
        what: `the middle layer's group ${middleGroup} not to be joined while no viewer needs it` });
      // The policed viewer picks the middle layer: the gateway joins its group and the viewer gets it.
      await policed.page.selectOption('#layer-picker', middle.encodingId);
      await waitFor(() => lan.joinedGroups(), { until: (g) => g.includes(middleGroup), timeoutMs: 30_000,
        what: `the gateway to join ${middleGroup} for the viewer that picked it` });
      await waitFor(() => inbound(policed.page), { until: (s) => s.frameWidth === middle.width, timeoutMs: 30_000,
        what: `the policed viewer to decode the ${middle.width} px layer it picked` });
      // It moves to the lowest layer: the middle group lingers, then is left.
      await policed.page.selectOption('#layer-picker', lowest.encodingId);
      await waitFor(() => inbound(policed.page), { until: (s) => s.frameWidth === lowest.width, timeoutMs: 30_000,
        what: `the policed viewer to decode the ${lowest.width} px layer it picked` });
      const movedAt = Date.now();
      const stillJoined = lan.joinedGroups().includes(middleGroup);
      await waitFor(() => lan.joinedGroups(), { until: (g) => !g.includes(middleGroup), timeoutMs: LINGER_MS + 30_000,
        intervalMs: 200, what: `the gateway to leave ${middleGroup} after the linger` });
      const leftAfterMs = Date.now() - movedAt;
      status = await lan.status();
      joined = lan.joinedGroups();
      console.log(`middle layer's group: joined when picked, ${stillJoined ? 'still joined' : 'NOT joined'} at the move `
        + `away, left ${leftAfterMs} ms after it (linger ${LINGER_MS} ms); then ${joined.join(' ')}; `
        + `${JSON.stringify(status.streams[0].layers.map((l) => [l.encodingId, l.viewers, l.joined]))}`);
      // The group lingers (a viewer that comes back finds it warm): it is not left at once. The leave
      // is checked every second against the last time a viewer needed it, so at least ~LINGER - 1 s.
      assert.ok(leftAfterMs >= LINGER_MS / 2, `the middle group lingered (left ${leftAfterMs} ms after the move)`);
      assert.ok(joined.includes(lan.groups.video[lowest.layer]), 'the lowest layer\'s group is joined (a viewer is on it)');
      assert.ok(joined.includes(lan.groups.video[status.streams[0].layers.at(-1).layer]), 'the top layer\'s group is joined');
      assert.ok(joined.includes(lan.groups.audio), 'audio stays joined');
    });

    await broadcaster.close();
    if (failed.length) throw new Error(`failed: ${failed.join('; ')}`); // so the fixture prints the processes' output
  }));
