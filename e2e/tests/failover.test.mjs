// Issue 21: viewers are never stranded. One subnet (a Linux-bridge link of network namespaces) with
// a bridge, two gateways and a viewer host whose Chromium opens the portal in VIEWERS pages, which
// the portal spreads over both gateways. Then:
// 1. rolling upgrade: each gateway in turn drains (SIGTERM, then `lancast gateway drain`) while the
//    viewers watch, and is started again: the viewers move make-before-break, the pause at the swap
//    asserted generously (< 2 s, or twice the picture's own stutter on a busy machine) and printed
//    with each viewer's longest pause; the drained gateway exits by itself;
// 2. kill -9 of the gateway that then serves them all: each page plays again on the other gateway,
//    with no reload, within 5 s of the kill (asserted; the times are printed).
// Frames are those the page presents on screen (requestVideoFrameCallback), not our own counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { LANCAST, openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { netnsUnavailable } from '../lib/netns.mjs';
import { createTopology, fetchFrom } from '../lib/topology.mjs';
import { percentile, watchPresentedFrames } from '../lib/lan.mjs';

const READY_MS = 90_000;
const WHIP_TOKEN = 'failover-whip-token-0123';
// Ten pages decode at once in one Chromium; CI runs fewer (a busy 2-core machine), the benchmark ten.
const VIEWERS = Number(process.env.LANCAST_FAILOVER_VIEWERS || 6);

function writeConfigs(bridgeIf, gwIfs) {
  const dir = mkdtempSync(join(tmpdir(), 'lancast-failover-'));
  const tokens = gwIfs.map(() => randomBytes(16).toString('hex')); // one per gateway name
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const bridge = join(dir, 'bridge.yaml');
  writeFileSync(bridge, `http: { listen: ${bridgeIf.ip}:8080 }
stateDirectory: ${dir}
media: { listen: ${bridgeIf.ip}:10000 }
feedback: ${bridgeIf.ip}:10002
multicast: { interface: ${bridgeIf.ifName}, ttl: 1 }
keys: { gatewayTokens: { ${gwIfs.map((g, i) => `gw-${'ab'[i]}: ${tokens[i]}`).join(', ')} } }
streams:
  - name: main
    tokens: [${WHIP_TOKEN}]
    video: { group: ${group}, port: 5004 }
    audio: { group: ${group}, port: 5006 }
discovery: { mdns: false }
`);
  const gateways = gwIfs.map((g, i) => {
    const file = join(dir, `gw-${i}.yaml`);
    writeFileSync(file, `http: { listen: ${g.ip}:8081 }
media: { listen: ${g.ip}:10001 }
bridgeUrl: https://${bridgeIf.ip}:8443
bridgeToken: ${tokens[i]}
multicast: { interface: ${g.ifName} }
discovery: { mdns: false, name: gw-${'ab'[i]} }
drain: { deadlineSeconds: 30 }
# One viewer host holds every test viewer, and each moves make-before-break (two sessions at once).
limits: { maxSessionsPerAddress: 64 }
`);
    return file;
  });
  return { bridge, gateways };
}

async function registry(host, bridgeUrl) {
  const r = await fetchFrom(host, `${bridgeUrl}/api/gateways`);
  if (r.status !== 200) throw new Error(`${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

/** Where each viewer's picture comes from now (the gateway's base URL). */
const gatewaysOf = (viewers) => Promise.all(viewers.map((v) => v.page.evaluate(() => window.lancastViewer.gateway)));

test('viewers survive a killed gateway and a rolling upgrade of their subnet without a reload',
  { timeout: 480_000, skip: netnsUnavailable() ?? false },
  () => withFixture({ timeoutMs: 470_000 }, async (fx) => {
    const net = createTopology();
    fx.defer(() => net.destroy());
    const link = net.addLink();
    const bridgeHost = net.addHost('b');
    const bridgeIf = net.connect(bridgeHost, link, 1);
    const gwHosts = ['ga', 'gb'].map((n) => net.addHost(n));
    const gwIfs = gwHosts.map((h, i) => net.connect(h, link, 2 + i));
    const viewerHost = net.addHost('v');
    net.connect(viewerHost, link, 10);
    const bridgeUrl = `http://${bridgeIf.ip}:8080`;
    const gwUrls = gwIfs.map((g) => `http://${g.ip}:8081/`);
    const configs = writeConfigs(bridgeIf, gwIfs);

    const inNs = (host, name, args) => fx.process(name, 'ip', ['netns', 'exec', host.ns, LANCAST, ...args]);
    const bridge = inNs(bridgeHost, 'bridge', ['bridge', '--config', configs.bridge]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), READY_MS);
    const startGateway = async (i, name) => {
      const proc = inNs(gwHosts[i], name, ['gateway', '--config', configs.gateways[i]]);
      await proc.waitForOutput((o) => o.includes('gateway ready'), READY_MS);
      return proc;
    };
    const serving = (names) => waitFor(() => registry(bridgeHost, bridgeUrl), {
      until: (list) => names.every((n) => list.some((g) => g.name === n && g.streams.includes('main') && g.inRotation)),
      timeoutMs: 60_000,
      what: `${names.join(' and ')} in rotation, serving main`,
    });
    const gateways = await Promise.all([startGateway(0, 'gw-a'), startGateway(1, 'gw-b')]);
    inNs(bridgeHost, 'send', ['send', '--whip', `${bridgeUrl}/whip/main`, '--token', WHIP_TOKEN]);
    await serving(['gw-a', 'gw-b']);

    // The viewers come through the portal, which spreads them over both gateways.
    const browser = await fx.browser({ executablePath: net.chromiumIn(viewerHost) });
    const viewers = [];
    for (let i = 0; i < VIEWERS; i++) {
      const viewer = await openViewer(browser, `${bridgeUrl}/watch/main`);
      let navigations = 0;
      viewer.page.on('framenavigated', (frame) => { if (frame === viewer.page.mainFrame()) navigations += 1; });
      viewer.page.on('console', (m) => { if (process.env.LANCAST_DEBUG) console.log(`${new Date().toISOString()} viewer ${i}: ${m.text()}`); });
      viewer.navigations = () => navigations;
      viewers.push(viewer);
    }
    for (const [i, v] of viewers.entries()) {
      await waitForMedia(v.page, { frames: 10, timeoutMs: 90_000, label: `viewer ${i}` });
      v.frames = await watchPresentedFrames(v.page);
      v.url = v.page.url();
      v.navigatedBefore = v.navigations();
    }
    const spread = await gatewaysOf(viewers);
    console.log(`the portal spread ${VIEWERS} viewers: gw-a ${spread.filter((g) => g === gwUrls[0]).length}, `
      + `gw-b ${spread.filter((g) => g === gwUrls[1]).length}`);
    assert.ok(gwUrls.every((u) => spread.includes(u)), `the portal sends viewers to both gateways: ${spread}`);
    const peersNamed = (gateway) => waitFor(() => Promise.all(viewers.map((v) => v.page.evaluate(async (u) => {
      const r = await fetch(`${u ?? window.lancastViewer.gateway}api/peers?stream=main`, { cache: 'no-store' });
      return (await r.json()).peers.length;
    }, gateway))), { until: (n) => n.every((k) => k === 1), timeoutMs: 30_000, what: 'each gateway to name the other as its peer' });
    const noReload = () => viewers.forEach((v, i) => {
      assert.equal(v.navigations(), v.navigatedBefore, `viewer ${i} was not reloaded`);
      assert.equal(v.page.url(), v.url);
    });
    // A restarted gateway's JVM warms up before it takes viewers in bulk (this machine has 2 cores).
    const restart = async (i, name) => {
      gateways[i] = await startGateway(i, name);
      await serving(['gw-a', 'gw-b']);
      await sleep(8000);
    };

    // 1. Rolling upgrade: gw-a drains on SIGTERM (systemd's stop; its viewers move to gw-b), is
    // started again, then gw-b drains on `lancast gateway drain` (all viewers move to gw-a) and is
    // started again. Make-before-break: less than 1 s without a shown frame.
    const drains = [
      { from: 0, to: 1, how: 'SIGTERM', start: () => process.kill(-gateways[0].child.pid, 'SIGTERM') },
      { from: 1, to: 0, how: 'lancast gateway drain', start: () => {
        const began = Date.now();
        return promisify(execFile)('ip', ['netns', 'exec', gwHosts[1].ns, LANCAST, 'gateway', 'drain', '--config',
          configs.gateways[1]], { timeout: 180_000 }).then(({ stdout }) => console.log(`lancast gateway drain `
          + `(${Date.now() - began} ms): ${stdout.trim().replace(/\n/g, '; ')}`));
      } },
    ];
    for (const drain of drains) {
      await peersNamed(null);
      await sleep(1000);
      const movers = (await gatewaysOf(viewers)).filter((g) => g === gwUrls[drain.from]).length;
      const command = drain.start();
      // From the moment the gateway drains: `lancast gateway drain` first starts a JVM, and in a test
      // namespace (no DNS) that alone took 7 s idle and up to 40 s on a loaded machine.
      await gateways[drain.from].waitForOutput((o) => o.includes('draining ('), 120_000);
      const startedAt = Date.now();
      await waitFor(() => gatewaysOf(viewers), {
        until: (list) => list.every((g) => g === gwUrls[drain.to]),
        timeoutMs: 45_000,
        intervalMs: 200,
        what: `every viewer to move from ${gwUrls[drain.from]} to ${gwUrls[drain.to]} (${drain.how})`,
      });
      const exit = await Promise.race([gateways[drain.from].exited, sleep(45_000).then(() => 'still running')]);
      assert.notEqual(exit, 'still running', `the drained gateway exits by itself (${drain.how})`);
      await command;
      const endedAt = Date.now();
      await sleep(500);
      // Per moving viewer, the pause at the swap (the old session's last shown frame to the new one's
      // first): what make-before-break is about; and every viewer's longest pause in the drain, which
      // on this loaded 2-core machine also holds the picture's own stutter (the non-movers' too).
      const swaps = [];
      const pauses = [];
      const moved = [];
      for (const [i, v] of viewers.entries()) {
        const frames = await v.frames.frames();
        const inWindow = frames.filter(([t]) => t >= startedAt && t <= endedAt);
        assert.ok(inWindow.length > 0, `viewer ${i} shows frames during the drain`);
        pauses.push(await v.frames.longestGap(startedAt, endedAt));
        const [, before] = frames.filter(([t]) => t < startedAt).at(-1);
        const k = frames.findIndex(([t, element]) => t >= startedAt && element !== before);
        moved.push(k > 0);
        if (k > 0) swaps.push(frames[k][0] - frames[k - 1][0]);
      }
      noReload();
      assert.equal(swaps.length, movers, 'every viewer of the drained gateway moved');
      console.log(`drain of gw-${'ab'[drain.from]} by ${drain.how} (${endedAt - startedAt} ms from its start to the exit): pause at the swap, `
        + `${movers} moving viewers, ms: ${swaps.join(', ')}; p50 ${percentile(swaps, 50)}, p95 ${percentile(swaps, 95)}, `
        + `max ${Math.max(...swaps)}; longest pause in the drain, all ${VIEWERS}: ${pauses.join(', ')}`);
      const said = gateways[drain.from].output().split('\n').filter((l) => l.includes('GatewayDrain')).map((l) => l.replace(/^.* - /, ''));
      console.log(`  gw-${'ab'[drain.from]}: ${said.join('; ')}`);
      // Generous, for a busy 2-core machine: under 2 s, or twice the picture's own stutter (the longest
      // pause any viewer showed in the 15 s before the drain, or a non-mover during it). A move that
      // broke before it made costs the offer, ICE, DTLS and the primer: 2-6 s on this machine.
      const stutter = Math.max(...await Promise.all(viewers.map((v) => v.frames.longestGap(startedAt - 15_000, startedAt))),
        ...pauses.filter((_, i) => !moved[i]));
      console.log(`  the picture's own stutter meanwhile: ${stutter} ms`);
      for (const [i, gap] of swaps.entries()) {
        assert.ok(gap < Math.max(2000, 2 * stutter), `moving viewer ${i}: ${gap} ms without a frame at the swap (stutter ${stutter} ms)`);
      }
      await restart(drain.from, `gw-${'ab'[drain.from]}-upgraded`);
    }

    // 2. kill -9 of gw-a, which now serves every viewer: each plays from gw-b within 5 s, no reload.
    await peersNamed(null);
    await sleep(1000);
    const killedAt = Date.now();
    process.kill(-gateways[0].child.pid, 'SIGKILL');
    await waitFor(() => gatewaysOf(viewers), {
      until: (list) => list.every((g) => g === gwUrls[1]),
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'every viewer to play from gw-b',
    });
    await sleep(1000);
    const recovery = [];
    for (const [i, v] of viewers.entries()) {
      const after = await v.frames.since(killedAt);
      // The first frame shown by another element than the one on screen at the kill.
      const [, before] = (await v.frames.frames()).filter(([t]) => t < killedAt).at(-1);
      const first = after.find(([, element]) => element !== before);
      assert.ok(first, `viewer ${i} shows frames of a new session after the kill`);
      recovery.push(first[0] - killedAt);
    }
    noReload();
    // Where the time went, as each page saw it: the kill to its move's start (detection), then to
    // the new session's first frame (offer, ICE, DTLS, primer).
    const phases = await Promise.all(viewers.map((v) => v.page.evaluate(() => window.lancastViewer.moves.at(-1))));
    console.log(`kill -9: detection ms ${phases.map((m) => m.startedAt - killedAt).join(', ')}; `
      + `move start -> first frame ms ${phases.map((m) => m.firstFrameAt - m.startedAt).join(', ')}`);
    console.log(`kill -9 of gw-a -> first frame on gw-b, ms after the kill, ${VIEWERS} viewers: `
      + `${recovery.join(', ')}; p50 ${percentile(recovery, 50)}, p95 ${percentile(recovery, 95)}, max ${Math.max(...recovery)}`);
    for (const [i, ms] of recovery.entries()) assert.ok(ms < 5_000, `viewer ${i} played again ${ms} ms after the kill`);
    const said = await viewers[0].page.evaluate(() => document.getElementById('state').textContent);
    assert.match(said, /moved to/, `the page says it moved: ${said}`);
    const errors = viewers.flatMap((v) => v.errors).filter((e) => e.startsWith('pageerror'));
    assert.deepEqual(errors, [], 'no uncaught errors in the viewer pages');
  }));
