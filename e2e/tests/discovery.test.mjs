// Issue 6: zero-config discovery. Bridge and gateways in network namespaces of their own, on
// Linux-bridge links with 198.18.0.0/15 addresses: gateways with no bridge URL find the bridge
// on mDNS, the bridge lists them and forgets a crashed one, the portal sends each viewer to the
// gateway of its subnet, and a viewer page whose gateway dies moves to another by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANCAST, openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { netnsUnavailable } from '../lib/netns.mjs';
import { createTopology, fetchFrom } from '../lib/topology.mjs';
import { avahiUnavailable, startAvahi } from '../lib/avahi.mjs';

const READY_MS = 90_000;
const WHIP_TOKEN = 'discovery-token';

/** Writes bridge and gateway config files; gateways get no bridgeUrl unless one is given. */
function configs() {
  const dir = mkdtempSync(join(tmpdir(), 'lancast-discovery-'));
  const gatewayToken = randomBytes(16).toString('hex');
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  return {
    gatewayToken,
    bridge({ ip, ifName, name = 'test-bridge' }) {
      const file = join(dir, 'bridge.yaml');
      writeFileSync(file, `http:
  listen: 0.0.0.0:8080
media:
  listen: ${ip}:10000
feedback: ${ip}:10002
multicast:
  interface: ${ifName}
keys:
  gatewayTokens: [${gatewayToken}]
streams:
  - name: main
    tokens: [${WHIP_TOKEN}]
    video: { group: ${group}, port: 5004 }
    audio: { group: ${group}, port: 5006 }
discovery:
  name: ${name}
  interface: ${ifName}
`);
      return file;
    },
    gateway({ name, ip, ifName, bridgeUrl, bridgeName, hostName }) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, `http:
  listen: ${ip}:8081
media:
  listen: ${ip}:10001
${bridgeUrl ? `bridgeUrl: ${bridgeUrl}\n` : ''}bridgeToken: ${gatewayToken}
multicast:
  interface: ${ifName}
discovery:
  name: ${name}
${bridgeName ? `  bridgeName: ${bridgeName}\n` : ''}${hostName ? `  hostName: ${hostName}\n` : ''}`);
      return file;
    },
  };
}

async function startIn(fx, host, name, kind, config) {
  const proc = fx.process(name, 'ip', ['netns', 'exec', host.ns, LANCAST, kind, '--config', config]);
  await proc.waitForOutput((out) => out.includes(`${kind} ready`), READY_MS);
  return proc;
}

async function statusOf(host, url) {
  const r = await fetchFrom(host, `${url}/api/status`);
  if (r.status !== 200) throw new Error(`${url}/api/status: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

function crash(proc) {
  // SIGKILL to the whole group (launcher script and JVM): no goodbye, no clean shutdown.
  process.kill(-proc.child.pid, 'SIGKILL');
}

test('gateways find the bridge on their link, the bridge forgets a crashed one, and its viewer moves to the other',
  { timeout: 300_000, skip: netnsUnavailable() ?? false },
  () => withFixture({ timeoutMs: 290_000 }, async (fx) => {
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

    const cfg = configs();
    await startIn(fx, bridgeHost, 'bridge', 'bridge', cfg.bridge(bridgeIf));
    const names = ['gw-a', 'gw-b'];
    const started = Date.now();
    const gateways = await Promise.all(gwHosts.map((h, i) => startIn(fx, h, names[i], 'gateway',
      cfg.gateway({ name: names[i], ...gwIfs[i] }))));

    // Both gateways find the bridge by themselves, and the bridge lists both, within 10 s.
    const listed = await waitFor(async () => (await statusOf(bridgeHost, bridgeUrl)).gateways, {
      until: (list) => names.every((n) => list.some((g) => g.name === n)),
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the bridge to list both gateways',
    });
    const listedAfterMs = Date.now() - started;
    console.log(`bridge listed both gateways ${listedAfterMs} ms after they were ready: ${JSON.stringify(listed)}`);
    assert.ok(listedAfterMs < 10_000, `listed after ${listedAfterMs} ms`);
    for (let i = 0; i < 2; i++) {
      const entry = listed.find((g) => g.name === names[i]);
      assert.equal(entry.subnet, link.subnet);
      assert.equal(entry.url, `http://${gwIfs[i].ip}:8081/`);
      assert.ok(['mdns', 'registration'].includes(entry.foundBy), entry.foundBy);
      assert.ok(entry.lastSeen);
      const gw = await statusOf(gwHosts[i], `http://${gwIfs[i].ip}:8081`);
      assert.deepEqual(gw.bridge, { url: bridgeUrl, name: 'test-bridge', foundBy: 'mdns' });
      // JmDNS was bound to this host's veth address, not to any other interface.
      assert.equal(gw.discovery.mdnsAddress, gwIfs[i].ip);
    }
    assert.equal((await statusOf(bridgeHost, bridgeUrl)).discovery.mdnsAddress, bridgeIf.ip);
    // On the bridge's own link the bridge also sees the gateways' mDNS records.
    await waitFor(async () => (await statusOf(bridgeHost, bridgeUrl)).gateways, {
      until: (list) => list.length === 2 && list.every((g) => g.foundBy === 'mdns'),
      timeoutMs: 30_000,
      what: 'the bridge to see both gateways on mDNS',
    });

    // A broadcaster goes live; a viewer on the link opens the portal and lands on a gateway.
    fx.process('send', 'ip', ['netns', 'exec', bridgeHost.ns, LANCAST, 'send', '--whip', `${bridgeUrl}/whip/main`,
      '--token', WHIP_TOKEN]);
    await waitFor(async () => (await statusOf(bridgeHost, bridgeUrl)).gateways, {
      until: (list) => list.filter((g) => g.streams.includes('main')).length === 2,
      timeoutMs: 60_000,
      what: 'both gateways to serve main',
    });
    const browser = await fx.browser({ executablePath: net.chromiumIn(viewerHost) });
    const viewer = await openViewer(browser, `${bridgeUrl}/watch/main`);
    await waitForMedia(viewer.page, { frames: 20, timeoutMs: 60_000, label: 'viewer via the portal' });
    const first = new URL(viewer.page.url());
    const firstIndex = gwIfs.findIndex((g) => g.ip === first.hostname);
    assert.ok(firstIndex >= 0, `the portal sent the viewer to a gateway: ${first.href}`);
    assert.equal(first.searchParams.get('portal'), bridgeUrl);

    // The viewer's gateway crashes: the bridge forgets it within 10 s, and the page moves on.
    const crashedAt = Date.now();
    crash(gateways[firstIndex]);
    await waitFor(async () => (await statusOf(bridgeHost, bridgeUrl)).gateways, {
      until: (list) => !list.some((g) => g.name === names[firstIndex]),
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the bridge to forget the crashed gateway',
    });
    const forgottenAfterMs = Date.now() - crashedAt;
    console.log(`bridge forgot the crashed gateway after ${forgottenAfterMs} ms`);
    assert.ok(forgottenAfterMs < 10_000, `forgotten after ${forgottenAfterMs} ms`);

    await waitFor(() => new URL(viewer.page.url()).hostname, {
      until: (host) => host === gwIfs[1 - firstIndex].ip,
      timeoutMs: 60_000,
      what: 'the viewer page to move to the other gateway',
    });
    await waitForMedia(viewer.page, { frames: 20, timeoutMs: 60_000, label: 'viewer on the other gateway' });
    console.log(`viewer playing again on ${viewer.page.url()} ${Date.now() - crashedAt} ms after the crash`);
  }));

test('the portal sends viewers to the gateway of their own subnet, and to the other when it is down',
  { timeout: 200_000, skip: netnsUnavailable() ?? false },
  () => withFixture({ timeoutMs: 190_000 }, async (fx) => {
    const net = createTopology();
    fx.defer(() => net.destroy());
    const links = [net.addLink(), net.addLink()];
    const bridgeHost = net.addHost('b');
    const bridgeIfs = links.map((l) => net.connect(bridgeHost, l, 1));
    const gwHosts = ['ga', 'gb'].map((n) => net.addHost(n));
    const gwIfs = gwHosts.map((h, i) => net.connect(h, links[i], 2));
    const viewers = ['va', 'vb'].map((n, i) => {
      const host = net.addHost(n);
      net.connect(host, links[i], 10);
      return host;
    });

    // mDNS does not cross routers: the gateway on the second subnet only registers over the API.
    const cfg = configs();
    await startIn(fx, bridgeHost, 'bridge', 'bridge', cfg.bridge(bridgeIfs[0]));
    const names = ['gw-a', 'gw-b'];
    const gateways = await Promise.all(gwHosts.map((h, i) => startIn(fx, h, names[i], 'gateway',
      cfg.gateway({ name: names[i], ...gwIfs[i], bridgeUrl: `http://${bridgeIfs[i].ip}:8080` }))));
    const registry = await waitFor(async () => (await statusOf(bridgeHost, `http://${bridgeIfs[0].ip}:8080`)).gateways, {
      until: (list) => list.filter((g) => g.streams.includes('main')).length === 2,
      timeoutMs: 60_000,
      what: 'both gateways registered, serving main',
    });
    assert.equal(registry.find((g) => g.name === 'gw-b').foundBy, 'registration');

    const watch = (i) => fetchFrom(viewers[i], `http://${bridgeIfs[i].ip}:8080/watch/main`);
    for (let i = 0; i < 2; i++) {
      const r = await watch(i);
      assert.equal(r.status, 302, r.body);
      assert.ok(r.location.startsWith(`http://${gwIfs[i].ip}:8081/?stream=main`), r.location);
    }

    await gateways[0].stop(); // a clean stop says goodbye: the portal knows at once
    const r = await watch(0);
    assert.equal(r.status, 302, r.body);
    assert.ok(r.location.startsWith(`http://${gwIfs[1].ip}:8081/?stream=main`),
      `with its own gateway down, viewer A goes to the other: ${r.location}`);
  }));

test('Avahi lists our services with their TXT records, and a gateway uses a bridge that Avahi publishes',
  { timeout: 200_000, skip: netnsUnavailable() ?? avahiUnavailable() ?? false },
  () => withFixture({ timeoutMs: 190_000 }, async (fx) => {
    const net = createTopology();
    fx.defer(() => net.destroy());
    const link = net.addLink();
    const bridgeHost = net.addHost('b');
    const bridgeIf = net.connect(bridgeHost, link, 1);
    const gwHost = net.addHost('ga');
    const gwIf = net.connect(gwHost, link, 2);
    const avahiHost = net.addHost('av');
    const avahiIf = net.connect(avahiHost, link, 3);
    const otherGwHost = net.addHost('gb');
    const otherGwIf = net.connect(otherGwHost, link, 4);
    const avahi = await startAvahi(fx, avahiHost, avahiIf.ifName);

    const cfg = configs();
    await startIn(fx, bridgeHost, 'bridge', 'bridge', cfg.bridge(bridgeIf));
    await startIn(fx, gwHost, 'gw-a', 'gateway', cfg.gateway({ name: 'gw-a', ...gwIf, bridgeName: 'test-bridge', hostName: 'live' }));

    const bridges = await waitFor(() => avahi.browse('_lancast._tcp'), {
      until: (list) => list.some((s) => s.name === 'test-bridge'),
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'avahi-browse to list our bridge',
    });
    const bridge = bridges.find((s) => s.name === 'test-bridge');
    console.log(`avahi-browse _lancast._tcp: ${JSON.stringify(bridges)}`);
    assert.equal(bridge.address, bridgeIf.ip);
    assert.equal(bridge.port, 8080);
    assert.deepEqual(bridge.txt, { v: '1', api: '/api', streams: 'main' });

    // The gateway's TXT record follows its state: "main" appears once it holds the stream's key.
    const gateways = await waitFor(() => avahi.browse('_lancast-gw._tcp'), {
      until: (list) => list.some((s) => s.name === 'gw-a' && s.txt.streams === 'main'),
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'avahi-browse to list our gateway, serving main',
    });
    const gw = gateways.find((s) => s.name === 'gw-a');
    console.log(`avahi-browse _lancast-gw._tcp: ${JSON.stringify(gateways)}`);
    assert.equal(gw.address, gwIf.ip);
    assert.equal(gw.port, 8081);
    assert.deepEqual(gw.txt, { v: '1', subnet: link.subnet, url: `http://${gwIf.ip}:8081/`, streams: 'main',
      viewers: '0', capacity: '500' });

    // Viewers on the gateway's link can type live.local: the gateway answers for it.
    assert.equal(await waitFor(() => avahi.resolve('live.local'), { timeoutMs: 30_000, what: 'live.local to resolve' }),
      gwIf.ip);

    // A bridge published by Avahi is found by a gateway told to use it by name.
    await avahi.publish('avahi-bridge', '_lancast._tcp', 9999, { v: '1', api: '/api', streams: 'main' });
    await startIn(fx, otherGwHost, 'gw-b', 'gateway',
      cfg.gateway({ name: 'gw-b', ...otherGwIf, bridgeName: 'avahi-bridge' }));
    const status = await waitFor(() => statusOf(otherGwHost, `http://${otherGwIf.ip}:8081`), {
      until: (s) => s.bridge.name === 'avahi-bridge',
      timeoutMs: 60_000,
      what: 'gw-b to find the bridge Avahi publishes',
    });
    assert.deepEqual(status.bridge, { url: `http://${avahiIf.ip}:9999`, name: 'avahi-bridge', foundBy: 'mdns' });
    assert.equal(status.discovery.mdnsAddress, otherGwIf.ip);
  }));
