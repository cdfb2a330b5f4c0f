// Benchmarks of the multicast hop's repair and of joins (docs/benchmarks.md):
//   sudo node bench/repair.mjs            # loss at 1, 5 and 10 %, then 50 joins
// Loss runs on two namespace hosts (needs root); joins run on loopback. Bounded: about 3 minutes.
import { setTimeout as sleep } from 'node:timers/promises';
import { broadcastFromBrowser, measureJoin, openViewer, videoStats, waitForMedia, withFixture } from '../lib/harness.mjs';
import { createTwoHosts, netnsUnavailable } from '../lib/netns.mjs';
import { startLan, watchFreezes } from '../lib/lan.mjs';

const LOSSES = (process.env.LOSSES ?? '1,5,10').split(',').map(Number);
const PLAY_MS = Number(process.env.PLAY_MS ?? 30_000);
const JOINS = Number(process.env.JOINS ?? 50);

async function lossRun(percent) {
  return withFixture({ timeoutMs: PLAY_MS + 150_000 }, async (fx) => {
    const net = createTwoHosts();
    fx.defer(() => net.destroy());
    net.dropMulticastAtGateway(percent);
    const lan = await startLan(fx, net);
    const browser = await fx.browser({ executablePath: net.chromiumInGateway() });
    const viewer = await openViewer(browser, lan.viewerUrl);
    await waitForMedia(viewer.page, { frames: 10, timeoutMs: 60_000 });
    const before = await videoStats(viewer.page);
    const gaps = await watchFreezes(viewer.page);
    await sleep(PLAY_MS);
    const after = await videoStats(viewer.page);
    const status = (await viewer.page.evaluate(() => fetch('/api/status').then((r) => r.json()))).streams[0];
    const received = after.packetsReceived - before.packetsReceived;
    const lost = after.packetsLost - before.packetsLost;
    return {
      percent,
      droppedOnHop: net.droppedAtGateway(),
      gatewayLost: status.lost,
      repaired: status.repaired,
      unrecovered: status.unrecovered,
      viewerPackets: received,
      viewerLost: lost,
      viewerLossPct: (100 * Math.max(0, lost)) / (received + Math.max(0, lost)),
      longestGapMs: Math.round(await gaps()),
    };
  });
}

async function joinRun() {
  return withFixture({ timeoutMs: JOINS * 4_000 + 120_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: false });
    const browser = await fx.browser();
    await broadcastFromBrowser(browser, demo.broadcastUrl, demo.token);
    const first = await openViewer(browser, demo.viewerUrl);
    await waitForMedia(first.page, { frames: 30 });
    const joins = [];
    for (let i = 0; i < JOINS; i++) {
      await sleep(Math.floor(Math.random() * 1500));
      joins.push(await measureJoin(browser, demo.viewerUrl));
    }
    joins.sort((a, b) => a - b);
    const pick = (q) => joins[Math.min(joins.length - 1, Math.floor(q * joins.length))];
    return { joins: JOINS, medianMs: Math.round(pick(0.5)), p95Ms: Math.round(pick(0.95)), maxMs: Math.round(joins.at(-1)) };
  });
}

const why = netnsUnavailable();
if (why) {
  console.log(`loss runs skipped: ${why}`);
} else {
  for (const percent of LOSSES) {
    const r = await lossRun(percent);
    console.log(`loss ${r.percent} %: hop dropped ${r.droppedOnHop}, gateway saw ${r.gatewayLost} lost, ` +
      `repaired ${r.repaired}, unrecovered ${r.unrecovered}; viewer ${r.viewerLost} of ${r.viewerPackets} video ` +
      `packets lost (${r.viewerLossPct.toFixed(3)} %), longest frame gap ${r.longestGapMs} ms`);
  }
}
const j = await joinRun();
console.log(`joins: ${j.joins}, first frame after WHEP answer: median ${j.medianMs} ms, p95 ${j.p95Ms} ms, max ${j.maxMs} ms`);
