// Issue 6: zero-config discovery. Bridge and gateways in network namespaces of their own, on
// Linux-bridge links with 198.18.0.0/15 addresses: gateways with no bridge URL find the bridge
// on mDNS, the bridge lists them and forgets a crashed one, the portal sends each viewer to the
// gateway of its subnet, and a viewer page whose gateway dies moves to another by itself. A
// discovered bridge is used only over HTTPS with the certificate the gateway pins
// (bridgeTls.fingerprint): spoofed records get nothing, a spoofed goodbye moves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LANCAST, openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { netnsUnavailable } from '../lib/netns.mjs';
import { createTopology, fetchFrom } from '../lib/topology.mjs';
import { avahiUnavailable, startAvahi } from '../lib/avahi.mjs';

const READY_MS = 90_000;
const WHIP_TOKEN = 'whip-token-discovery-0123';

/**
 * Writes bridge and gateway config files; gateways get no bridgeUrl unless one is given. The
 * bridge serves HTTPS (self-signed, advertised on mDNS) besides plain HTTP; a gateway given the
 * bridge's fingerprint pins it, which it needs to use a bridge it found on mDNS.
 */
function configs() {
  const dir = mkdtempSync(join(tmpdir(), 'lancast-discovery-'));
  // One token per gateway, bound to its name in the bridge's config.
  const tokens = Object.fromEntries(['gw-a', 'gw-b'].map((n) => [n, randomBytes(16).toString('hex')]));
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  return {
    tokens,
    bridge({ ip, ifName, name = 'test-bridge' }) {
      const file = join(dir, 'bridge.yaml');
      writeFileSync(file, `http:
  listen: 0.0.0.0:8080
  tls:
    listen: 0.0.0.0:8443
    selfSigned: true
    certificate: ${join(dir, 'bridge-cert.pem')}
    privateKey: ${join(dir, 'bridge-key.pem')}
media:
  listen: ${ip}:10000
feedback: ${ip}:10002
multicast:
  interface: ${ifName}
keys:
  gatewayTokens: { ${Object.entries(tokens).map(([n, t]) => `${n}: ${t}`).join(', ')} }
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
    gateway({ name, ip, ifName, bridgeUrl, bridgeName, hostName, fingerprint }) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, `http:
  listen: ${ip}:8081
media:
  listen: ${ip}:10001
${bridgeUrl ? `bridgeUrl: ${bridgeUrl}\n` : ''}bridgeToken: ${tokens[name]}
${fingerprint ? `bridgeTls: { fingerprint: "${fingerprint}" }\n` : ''}multicast:
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

/** The SHA-256 fingerprint of its HTTPS certificate that a started bridge logged. */
function fingerprintOf(bridge) {
  return bridge.waitForOutput((out) => out.match(/SHA-256 fingerprint ([0-9A-F:]{95})/)?.[1], READY_MS);
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
    const fingerprint = await fingerprintOf(await startIn(fx, bridgeHost, 'bridge', 'bridge', cfg.bridge(bridgeIf)));
    const names = ['gw-a', 'gw-b'];
    const gateways = await Promise.all(gwHosts.map((h, i) => startIn(fx, h, names[i], 'gateway',
      cfg.gateway({ name: names[i], ...gwIfs[i], fingerprint }))));
    // From both gateways ready, as the message says: a JVM's start on a loaded machine is no part of discovery.
    const started = Date.now();

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
      // The bridge lists a gateway its own mDNS browse saw, which can be before that gateway's
      // browse has found the bridge (run-tests, idle machine): wait for the gateway's side too.
      const gw = await waitFor(async () => statusOf(gwHosts[i], `http://${gwIfs[i].ip}:8081`), {
        until: (st) => st.bridge?.url != null,
        timeoutMs: 30_000,
        intervalMs: 200,
        what: `${names[i]} to find the bridge`,
      });
      console.log(`${names[i]} found the bridge ${Date.now() - started} ms after the gateways were ready`);
      assert.deepEqual(gw.bridge, { url: `https://${bridgeIf.ip}:8443`, name: 'test-bridge', foundBy: 'mdns',
        verifiedBy: 'fingerprint' });
      // mDNS was bound to this host's veth address, not to any other interface.
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

    // The page plays from the other gateway, which the first named to it up front; no reload.
    await waitFor(() => viewer.page.evaluate(() => new URL(window.lancastViewer.gateway).hostname), {
      until: (host) => host === gwIfs[1 - firstIndex].ip,
      timeoutMs: 60_000,
      what: 'the viewer page to move to the other gateway',
    });
    await waitForMedia(viewer.page, { frames: 20, timeoutMs: 60_000, label: 'viewer on the other gateway' });
    assert.equal(viewer.page.url(), first.href, 'the page was not reloaded');
    console.log(`viewer playing again on ${await viewer.page.evaluate(() => window.lancastViewer.gateway)} `
      + `${Date.now() - crashedAt} ms after the crash`);
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
      cfg.gateway({ name: names[i], ...gwIfs[i], bridgeUrl: `https://${bridgeIfs[i].ip}:8443` }))));
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

test('Avahi lists our services with their TXT records, and a gateway refuses the plain-HTTP bridge that Avahi publishes',
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
    const fingerprint = await fingerprintOf(await startIn(fx, bridgeHost, 'bridge', 'bridge', cfg.bridge(bridgeIf)));
    await startIn(fx, gwHost, 'gw-a', 'gateway',
      cfg.gateway({ name: 'gw-a', ...gwIf, bridgeName: 'test-bridge', hostName: 'live', fingerprint }));

    const bridges = await waitFor(() => avahi.browse('_lancast._tcp'), {
      until: (list) => list.some((s) => s.name === 'test-bridge'),
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'avahi-browse to list our bridge',
    });
    const bridge = bridges.find((s) => s.name === 'test-bridge');
    console.log(`avahi-browse _lancast._tcp: ${JSON.stringify(bridges)}`);
    assert.equal(bridge.address, bridgeIf.ip);
    assert.equal(bridge.port, 8443);
    assert.deepEqual(bridge.txt, { v: '1', api: '/api', streams: 'main', scheme: 'https' });

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

    // A bridge published by Avahi is found by a gateway told to use it by name, and, being plain
    // HTTP, refused: nothing verifies it, so it never gets the gateway's token.
    await avahi.publish('avahi-bridge', '_lancast._tcp', 9999, { v: '1', api: '/api', streams: 'main' });
    await startIn(fx, otherGwHost, 'gw-b', 'gateway',
      cfg.gateway({ name: 'gw-b', ...otherGwIf, bridgeName: 'avahi-bridge', fingerprint }));
    const status = await waitFor(() => statusOf(otherGwHost, `http://${otherGwIf.ip}:8081`), {
      until: (s) => s.bridge.refused?.['avahi-bridge'],
      timeoutMs: 60_000,
      what: 'gw-b to find, and refuse, the plain-HTTP bridge Avahi publishes',
    });
    assert.equal(status.bridge.url, null);
    assert.equal(status.bridge.foundBy, 'mdns');
    assert.ok(status.bridge.refused['avahi-bridge'].startsWith(`http://${avahiIf.ip}:9999: it is plain HTTP`),
      status.bridge.refused['avahi-bridge']);
    assert.equal(status.discovery.mdnsAddress, otherGwIf.ip);
  }));

/** A tiny HTTP listener in `host` that prints every request it gets, with its Authorization header. */
function impostorListener(fx, host, ip, port) {
  const script = `require('node:http').createServer((req, res) => {
  console.log('REQUEST ' + req.method + ' ' + req.url + ' authorization=' + (req.headers.authorization ?? ''));
  res.writeHead(204); res.end();
}).listen(${port}, ${JSON.stringify(ip)}, () => console.log('impostor listening'));`;
  const proc = fx.process('impostor http', 'ip', ['netns', 'exec', host.ns, process.execPath, '-e', script]);
  return proc.waitForOutput((out) => out.includes('impostor listening'), 30_000).then(() => proc);
}

/**
 * Sends, from `host`, an mDNS goodbye (RFC 6762 10.1: the PTR record with TTL 0) for each
 * [type, instance] given, as any host on the link can: mDNS has no authentication.
 */
async function spoofGoodbyes(host, ip, records) {
  const script = `const dgram = require('node:dgram');
const name = (n) => Buffer.concat([...n.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
  Buffer.from([0])]);
const answers = ${JSON.stringify(records)}.map(([type, instance]) => {
  const target = name(instance + '.' + type);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(12, 0); fixed.writeUInt16BE(1, 2); fixed.writeUInt32BE(0, 4); fixed.writeUInt16BE(target.length, 8);
  return Buffer.concat([name(type), fixed, target]);
});
const header = Buffer.alloc(12);
header.writeUInt16BE(0x8400, 2); header.writeUInt16BE(answers.length, 6);
const packet = Buffer.concat([header, ...answers]);
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
socket.bind(5353, () => {
  socket.setMulticastInterface(${JSON.stringify(ip)});
  socket.setMulticastTTL(255);
  let sent = 0;
  const send = () => socket.send(packet, 5353, '224.0.0.251', () => { if (++sent < 3) setTimeout(send, 300); else socket.close(); });
  send();
});`;
  await promisify(execFile)('ip', ['netns', 'exec', host.ns, process.execPath, '-e', script], { timeout: 20_000 });
}

test('a spoofed bridge record never gets the gateway\'s token, and spoofed goodbyes move nothing',
  { timeout: 240_000, skip: netnsUnavailable() ?? avahiUnavailable() ?? false },
  () => withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const net = createTopology();
    fx.defer(() => net.destroy());
    const link = net.addLink();
    const bridgeHost = net.addHost('b');
    const bridgeIf = net.connect(bridgeHost, link, 1);
    const gwHost = net.addHost('ga');
    const gwIf = net.connect(gwHost, link, 2);
    const evilHost = net.addHost('ev');
    const evilIf = net.connect(evilHost, link, 3);
    const viewerHost = net.addHost('v');
    net.connect(viewerHost, link, 10);
    const bridgeUrl = `http://${bridgeIf.ip}:8080`;

    // The impostor advertises a bridge on the link, named to sort before the real one, and
    // listens where its record points. It is there before the gateway and the bridge.
    const avahi = await startAvahi(fx, evilHost, evilIf.ifName);
    const impostor = await impostorListener(fx, evilHost, evilIf.ip, 8080);
    await avahi.publish('a-evil-bridge', '_lancast._tcp', 8080, { v: '1', api: '/api', streams: 'main' });

    const cfg = configs();
    // The gateway pins the bridge's certificate, which it knows from the bridge's first start.
    const bridgeConfig = cfg.bridge(bridgeIf);
    const first = await startIn(fx, bridgeHost, 'bridge (first start)', 'bridge', bridgeConfig);
    const fingerprint = await fingerprintOf(first);
    await first.stop();
    await startIn(fx, gwHost, 'gw-a', 'gateway', cfg.gateway({ name: 'gw-a', ...gwIf, fingerprint }));
    const gwUrl = `http://${gwIf.ip}:8081`;
    const refused = await waitFor(() => statusOf(gwHost, gwUrl), {
      until: (s) => s.bridge.refused?.['a-evil-bridge'],
      timeoutMs: 60_000,
      what: 'the gateway to see, and refuse, the spoofed bridge',
    });
    console.log(`gateway status with only the impostor on the link: ${JSON.stringify(refused.bridge)}`);
    assert.equal(refused.bridge.url, null);
    assert.ok(refused.bridge.reason, JSON.stringify(refused.bridge));
    assert.ok(refused.bridge.refused['a-evil-bridge'].startsWith(`http://${evilIf.ip}:8080: it is plain HTTP`));

    // The real bridge comes up: the gateway keeps looking, takes it and registers.
    await startIn(fx, bridgeHost, 'bridge', 'bridge', bridgeConfig);
    const using = await waitFor(() => statusOf(gwHost, gwUrl), {
      until: (s) => s.bridge.url === `https://${bridgeIf.ip}:8443`,
      timeoutMs: 60_000,
      what: 'the gateway to use the real bridge',
    });
    assert.equal(using.bridge.verifiedBy, 'fingerprint');
    fx.process('send', 'ip', ['netns', 'exec', bridgeHost.ns, LANCAST, 'send', '--whip', `${bridgeUrl}/whip/main`,
      '--token', WHIP_TOKEN]);
    await waitFor(async () => (await statusOf(bridgeHost, bridgeUrl)).gateways, {
      until: (list) => list.some((g) => g.name === 'gw-a' && g.authenticated && g.streams.includes('main')),
      timeoutMs: 60_000,
      what: 'gw-a registered, serving main',
    });

    // The impostor also advertises a gateway of its own on the viewers' subnet: mDNS-only, so
    // the portal lists it but never sends a viewer there.
    await avahi.publish('decoy-gw', '_lancast-gw._tcp', 8080, { v: '1', subnet: link.subnet,
      url: `http://${evilIf.ip}:8080/`, streams: 'main', viewers: '0', capacity: '500' });
    await waitFor(async () => (await statusOf(bridgeHost, bridgeUrl)).gateways, {
      until: (list) => list.some((g) => g.name === 'decoy-gw' && !g.authenticated),
      timeoutMs: 60_000,
      what: 'the bridge to see the decoy gateway on mDNS',
    });
    const watch = () => fetchFrom(viewerHost, `${bridgeUrl}/watch/main`);
    const toGwA = (r) => r.status === 302 && r.location.startsWith(`${gwUrl}/?stream=main`);
    for (let i = 0; i < 5; i++) {
      const r = await watch();
      assert.ok(toGwA(r), `the portal sends the viewer to gw-a, never to the decoy: ${r.status} ${r.location}`);
    }

    // Spoofed goodbyes for gw-a, the real bridge and the decoy: the decoy (mDNS-only) leaves,
    // which shows the bridge took the packet; gw-a stays registered and keeps getting viewers
    // (a removal would last until its next heartbeat, so the portal is asked all along), and the
    // gateway keeps its bridge.
    await spoofGoodbyes(evilHost, evilIf.ip, [['_lancast-gw._tcp.local', 'gw-a'],
      ['_lancast-gw._tcp.local', 'decoy-gw'], ['_lancast._tcp.local', 'test-bridge']]);
    const spoofedAt = Date.now();
    let decoyGone = null;
    while (Date.now() - spoofedAt < 30_000 && (decoyGone === null || Date.now() - decoyGone < 5_000)) {
      const r = await watch();
      assert.ok(toGwA(r), `after the spoofed goodbye the portal still sends viewers to gw-a: ${r.status} ${r.location}`);
      const list = (await statusOf(bridgeHost, bridgeUrl)).gateways;
      assert.ok(list.some((g) => g.name === 'gw-a' && g.authenticated), `gw-a still registered: ${JSON.stringify(list)}`);
      if (decoyGone === null && !list.some((g) => g.name === 'decoy-gw')) decoyGone = Date.now();
    }
    assert.ok(decoyGone !== null, 'the bridge took the spoofed goodbye (the mDNS-only decoy left)');
    console.log(`decoy left ${decoyGone - spoofedAt} ms after the spoofed goodbyes; gw-a stayed throughout`);
    assert.equal((await statusOf(gwHost, gwUrl)).bridge.url, `https://${bridgeIf.ip}:8443`,
      'the gateway keeps the bridge it verified');

    // The browser view of it: a viewer opening the portal plays from gw-a.
    const browser = await fx.browser({ executablePath: net.chromiumIn(viewerHost) });
    const viewer = await openViewer(browser, `${bridgeUrl}/watch/main`);
    await waitForMedia(viewer.page, { frames: 20, timeoutMs: 60_000, label: 'viewer via the portal after the spoofs' });
    assert.equal(new URL(viewer.page.url()).hostname, gwIf.ip);

    // In all this the impostor's listener got no request at all, so never the token.
    const seen = impostor.output();
    assert.ok(!Object.values(cfg.tokens).some((t) => seen.includes(t)), `the impostor saw a gateway token:\n${seen}`);
    assert.ok(!seen.includes('REQUEST'), `the impostor got requests:\n${seen}`);
  }));
