// Issue 22 (N10): JmDNS kept every mDNS record on the link in an unbounded cache and resolved each
// new instance with a one-second wait on its one thread; names from the link went to the log raw.
// A host floods the link with thousands of instances of our service type (and of junk types) with
// TTLs of 68 years and control characters in their names: the bridge's and a gateway's heap stay
// flat, a gateway started during the flood still finds the real bridge, and no forged log line
// gets through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { LANCAST, REPO_ROOT, waitFor, withFixture } from '../lib/harness.mjs';
import { netnsUnavailable } from '../lib/netns.mjs';
import { createTopology, fetchFrom } from '../lib/topology.mjs';

const run = promisify(execFile);
const READY_MS = 90_000;
const SECONDS = 40;
const MAX_GROWTH_BYTES = 32 * 1024 * 1024;

function jcmdUnavailable() {
  try {
    execFileSync('which', ['jcmd'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'needs jcmd (a JDK) to force a GC';
  }
}

/** The JVM's used heap right after a full GC, from its Prometheus metrics. */
async function heapAfterGc(proc, host, url) {
  await run('jcmd', [String(proc.child.pid), 'GC.run']);
  const r = await fetchFrom(host, `${url}/metrics`);
  let used = 0;
  for (const line of r.body.split('\n')) {
    if (line.startsWith('jvm_memory_used_bytes{') && line.includes('area="heap"')) used += Number(line.split(' ').pop());
  }
  assert.ok(used > 0, `heap metric at ${url}`);
  return used;
}

async function statusOf(host, url) {
  const r = await fetchFrom(host, `${url}/api/status`);
  if (r.status !== 200) throw new Error(`${url}/api/status: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

test('an mDNS flood buys no memory, forges no log line, and the real bridge is still found',
  { timeout: 400_000, skip: netnsUnavailable() ?? jcmdUnavailable() ?? false },
  () => withFixture({ timeoutMs: 390_000 }, async (fx) => {
    const net = createTopology();
    fx.defer(() => net.destroy());
    const link = net.addLink();
    const [bridgeHost, gwaHost, gwbHost, flooderHost] = ['b', 'ga', 'gb', 'f'].map((n) => net.addHost(n));
    const bridgeIf = net.connect(bridgeHost, link, 1);
    const gwIfs = [net.connect(gwaHost, link, 2), net.connect(gwbHost, link, 3)];
    const flooderIf = net.connect(flooderHost, link, 9);

    const dir = mkdtempSync(join(tmpdir(), 'lancast-mdns-flood-'));
    const tokens = { 'gw-a': randomBytes(16).toString('hex'), 'gw-b': randomBytes(16).toString('hex') };
    const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    writeFileSync(join(dir, 'bridge.yaml'), `http:
  listen: 0.0.0.0:8080
  tls: { listen: 0.0.0.0:8443, selfSigned: true }
media: { listen: ${bridgeIf.ip}:10000 }
feedback: ${bridgeIf.ip}:10002
multicast: { interface: ${bridgeIf.ifName} }
keys: { gatewayTokens: { gw-a: ${tokens['gw-a']}, gw-b: ${tokens['gw-b']} } }
streams:
  - name: main
    tokens: [flood-test-token-0123]
    video: { group: ${group}, port: 5004 }
    audio: { group: ${group}, port: 5006 }
discovery: { name: real-bridge, interface: ${bridgeIf.ifName} }
`);
    const bridge = fx.process('bridge', 'ip', ['netns', 'exec', bridgeHost.ns, LANCAST, 'bridge', '--config',
      join(dir, 'bridge.yaml')]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), READY_MS);
    const fingerprint = await bridge.waitForOutput((o) => o.match(/SHA-256 fingerprint ([0-9A-F:]{95})/)?.[1], READY_MS);
    const startGateway = async (name, host, iface) => {
      writeFileSync(join(dir, `${name}.yaml`), `http: { listen: ${iface.ip}:8081 }
media: { listen: ${iface.ip}:10001 }
bridgeToken: ${tokens[name]}
bridgeTls: { fingerprint: "${fingerprint}" }
multicast: { interface: ${iface.ifName} }
discovery: { name: ${name} }
`);
      const proc = fx.process(name, 'ip', ['netns', 'exec', host.ns, LANCAST, 'gateway', '--config',
        join(dir, `${name}.yaml`)]);
      await proc.waitForOutput((o) => o.includes('gateway ready'), READY_MS);
      return proc;
    };
    const bridgeUrl = `http://${bridgeIf.ip}:8080`;
    const gwaUrl = `http://${gwIfs[0].ip}:8081`;
    const gwa = await startGateway('gw-a', gwaHost, gwIfs[0]);
    await waitFor(() => statusOf(gwaHost, gwaUrl), {
      until: (s) => s.bridge.url === `https://${bridgeIf.ip}:8443`, timeoutMs: 60_000, what: 'gw-a to find the bridge',
    });
    const before = { bridge: await heapAfterGc(bridge, bridgeHost, bridgeUrl), gwa: await heapAfterGc(gwa, gwaHost, gwaUrl) };

    // Both service types, from one host, at the same time.
    const floods = ['_lancast._tcp.local', '_lancast-gw._tcp.local'].map((type, i) => fx.process(`flood ${i}`, 'ip',
      ['netns', 'exec', flooderHost.ns, process.execPath, resolve(REPO_ROOT, 'e2e/lib/mdns-flood.mjs'), flooderIf.ip,
        type, '10', '200', String(SECONDS)]));

    // A gateway that starts during the flood finds the real bridge all the same.
    await new Promise((r) => setTimeout(r, 5_000));
    await startGateway('gw-b', gwbHost, gwIfs[1]);
    const gwbUrl = `http://${gwIfs[1].ip}:8081`;
    const found = await waitFor(() => statusOf(gwbHost, gwbUrl), {
      until: (s) => s.bridge.url === `https://${bridgeIf.ip}:8443`, timeoutMs: 60_000,
      what: 'gw-b, started during the flood, to find the real bridge',
    });
    assert.equal(found.bridge.name, 'real-bridge');

    const reports = [];
    for (const flood of floods) {
      reports.push(await flood.waitForOutput((o) => {
        const line = o.split('\n').find((l) => l.startsWith('{'));
        return line ? JSON.parse(line) : null;
      }, (SECONDS + 60) * 1000));
    }
    const after = { bridge: await heapAfterGc(bridge, bridgeHost, bridgeUrl), gwa: await heapAfterGc(gwa, gwaHost, gwaUrl) };
    console.log(`mDNS flood ${JSON.stringify(reports)}; heap after GC: bridge ${Math.round(before.bridge / 1e6)} -> `
      + `${Math.round(after.bridge / 1e6)} MB, gw-a ${Math.round(before.gwa / 1e6)} -> ${Math.round(after.gwa / 1e6)} MB`);
    assert.ok(reports.every((r) => r.instances > 10_000), 'the flood announced its instances');
    assert.ok(after.bridge - before.bridge < MAX_GROWTH_BYTES, `bridge heap grew ${Math.round((after.bridge - before.bridge) / 1e6)} MB`);
    assert.ok(after.gwa - before.gwa < MAX_GROWTH_BYTES, `gw-a heap grew ${Math.round((after.gwa - before.gwa) / 1e6)} MB`);
    for (const [name, proc] of [['bridge', bridge], ['gw-a', gwa]]) {
      assert.ok(!/^WARN forged line/m.test(proc.output()), `${name}: a name from the link forged a log line`);
    }
    const bridgeStatus = await statusOf(bridgeHost, bridgeUrl);
    assert.ok(bridgeStatus.gateways.some((g) => g.name === 'gw-a') && bridgeStatus.gateways.some((g) => g.name === 'gw-b'),
      'the bridge still lists the real gateways');
  }));
