// Issue 22: zero-config and still safe. The bridge runs with its default HTTPS (a certificate it
// makes on first start and keeps); a gateway that holds only its token (no bridge URL, no
// fingerprint) finds the bridge on mDNS, checks it by asking it to prove that it holds this
// gateway's token for the certificate the gateway sees, and a Chromium viewer plays through it.
// An impostor on the link advertises a bridge with Avahi (HTTPS, a certificate of its own, named
// to be tried first): it is asked for a proof, cannot give one, and receives no credential, not
// one request carrying the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANCAST, openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';
import { netnsUnavailable } from '../lib/netns.mjs';
import { createTopology, fetchFrom } from '../lib/topology.mjs';
import { avahiUnavailable, startAvahi } from '../lib/avahi.mjs';

const READY_MS = 90_000;
const WHIP_TOKEN = 'whip-token-zero-config-0123';

/** An HTTPS listener in `host` with a certificate of its own, answering any proof request with junk; prints each request. */
async function impostorBridge(fx, host, ip, port, dir) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '2', '-subj', '/CN=lancast-bridge', '-keyout', join(dir, 'evil-key.pem'), '-out', join(dir, 'evil.pem')],
  { stdio: 'ignore' });
  const script = `const fs = require('node:fs');
require('node:https').createServer({ key: fs.readFileSync(${JSON.stringify(join(dir, 'evil-key.pem'))}),
  cert: fs.readFileSync(${JSON.stringify(join(dir, 'evil.pem'))}) }, (req, res) => {
  console.log('REQUEST ' + req.method + ' ' + req.url + ' authorization=' + (req.headers.authorization ?? ''));
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(require('node:crypto').randomBytes(32).toString('hex'));
}).listen(${port}, ${JSON.stringify(ip)}, () => console.log('impostor listening'));`;
  const proc = fx.process('impostor https', 'ip', ['netns', 'exec', host.ns, process.execPath, '-e', script]);
  await proc.waitForOutput((out) => out.includes('impostor listening'), 30_000);
  return proc;
}

async function statusOf(host, url) {
  const r = await fetchFrom(host, `${url}/api/status`);
  if (r.status !== 200) throw new Error(`${url}/api/status: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

test('a gateway with only its token finds the bridge on mDNS, checks it by its proof, and a viewer plays; '
  + 'an impostor gets no credential', { timeout: 300_000, skip: netnsUnavailable() ?? avahiUnavailable() ?? false },
() => withFixture({ timeoutMs: 290_000 }, async (fx) => {
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
  const dir = mkdtempSync(join(tmpdir(), 'lancast-zero-config-'));
  const token = randomBytes(16).toString('hex');
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

  // The impostor is there first, named to sort before the real bridge, advertising HTTPS.
  const avahi = await startAvahi(fx, evilHost, evilIf.ifName);
  const impostor = await impostorBridge(fx, evilHost, evilIf.ip, 8443, dir);
  await avahi.publish('a-evil-bridge', '_lancast._tcp', 8443, { v: '1', api: '/api', streams: 'main', scheme: 'https' });

  // The bridge as `lancast init` leaves it: no tls section, so its own certificate, kept in stateDirectory.
  writeFileSync(join(dir, 'bridge.yaml'), `http: { listen: 0.0.0.0:8080 }
stateDirectory: ${join(dir, 'state')}
media: { listen: ${bridgeIf.ip}:10000 }
feedback: ${bridgeIf.ip}:10002
multicast: { interface: ${bridgeIf.ifName} }
keys: { gatewayTokens: { gw-a: ${token} } }
streams:
  - name: main
    tokens: [${WHIP_TOKEN}]
    video: { group: ${group}, port: 5004 }
    audio: { group: ${group}, port: 5006 }
discovery: { name: test-bridge }
`);
  // The gateway knows its token and its name, nothing about the bridge.
  writeFileSync(join(dir, 'gateway.yaml'), `http: { listen: ${gwIf.ip}:8081 }
media: { listen: ${gwIf.ip}:10001 }
bridgeToken: ${token}
multicast: { interface: ${gwIf.ifName} }
discovery: { name: gw-a }
`);
  // The gateway first, with only the impostor on the link: it must try the impostor (and refuse
  // it) before the real bridge exists. Started the other way round, the real bridge's records
  // (lancast's responder answers at once) could be chosen before Avahi's impostor records were
  // complete, and the impostor was then never tried (seen on an idle machine).
  const gateway = fx.process('gw-a', 'ip', ['netns', 'exec', gwHost.ns, LANCAST, 'gateway', '--config', join(dir, 'gateway.yaml')]);
  await gateway.waitForOutput((o) => o.includes('gateway ready'), READY_MS);
  const gwUrl = `http://${gwIf.ip}:8081`;
  await waitFor(() => statusOf(gwHost, gwUrl), {
    until: (s) => s.bridge.url == null && s.bridge.refused?.['a-evil-bridge'] != null,
    timeoutMs: 60_000,
    what: 'the gateway to try the impostor and refuse it',
  });
  const bridge = fx.process('bridge', 'ip', ['netns', 'exec', bridgeHost.ns, LANCAST, 'bridge', '--config', join(dir, 'bridge.yaml')]);
  await bridge.waitForOutput((o) => o.includes('bridge ready'), READY_MS);
  const fingerprint = (await bridge.waitForOutput((o) => o.match(/SHA-256 fingerprint ([0-9A-F:]{95})/)?.[1], READY_MS));

  const using = await waitFor(() => statusOf(gwHost, gwUrl), {
    until: (s) => s.bridge.url === `https://${bridgeIf.ip}:8443`,
    timeoutMs: 90_000,
    what: 'the gateway to take the real bridge, verified by its proof',
  });
  console.log(`gateway: ${JSON.stringify(using.bridge)}`);
  assert.equal(using.bridge.verifiedBy, 'token');
  assert.equal(using.bridge.name, 'test-bridge');
  assert.ok(using.bridge.refused?.['a-evil-bridge']?.includes('could not prove that it holds this gateway\'s token'),
    JSON.stringify(using.bridge));
  assert.ok(gateway.output().includes(`its certificate ${fingerprint} is pinned`), 'it pinned the bridge\'s certificate');

  // A broadcaster, the portal, a Chromium viewer on the link.
  fx.process('send', 'ip', ['netns', 'exec', bridgeHost.ns, LANCAST, 'send', '--whip', `http://${bridgeIf.ip}:8080/whip/main`,
    '--token', WHIP_TOKEN]);
  await waitFor(async () => (await statusOf(bridgeHost, `http://${bridgeIf.ip}:8080`)).gateways, {
    until: (list) => list.some((g) => g.name === 'gw-a' && g.authenticated && g.streams.includes('main')),
    timeoutMs: 60_000,
    what: 'gw-a registered, serving main',
  });
  const browser = await fx.browser({ executablePath: net.chromiumIn(viewerHost) });
  const viewer = await openViewer(browser, `http://${bridgeIf.ip}:8080/watch/main`);
  await waitForMedia(viewer.page, { frames: 20, timeoutMs: 60_000, label: 'viewer via the portal' });
  assert.equal(new URL(viewer.page.url()).hostname, gwIf.ip);

  // The impostor was asked (so it was tried), and only ever for a proof, never with a credential.
  const requests = impostor.output().split('\n').filter((l) => l.startsWith('REQUEST '));
  console.log(`the impostor got ${requests.length} request(s): ${requests.slice(0, 3).join(' | ')}`);
  assert.ok(requests.length >= 1, 'the gateway tried the impostor');
  for (const line of requests) {
    assert.match(line, /^REQUEST GET \/api\/gateways\/gw-a\/proof\?nonce=[0-9a-f]{64} authorization=$/);
  }
  assert.ok(!impostor.output().includes(token), 'the impostor never saw the token');
}));
