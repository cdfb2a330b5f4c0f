// lancast on a campus (campus.mjs): the bridge on subnet "a", one gateway per gateway subnet,
// `lancast send` publishing the test clip, each from a config file of its own; plus the viewer
// and status helpers the campus tests share. Processes are started through `spawn(name, command,
// args)`, which returns { child, waitForOutput, output, stop }: a test passes `fx.process` (so
// withFixture stops them and prints their output on failure), tools/campus a detached spawner.
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANCAST, openPage, waitFor } from './harness.mjs';
import { fetchFrom } from './campus.mjs';

const READY_MS = 90_000;

/**
 * Starts the bridge (multicast TTL `ttl`), the gateways of `gateways` (default: every gateway
 * subnet) and, unless `sender` is false, `lancast send` (resolves once the stream is live, so
 * the groups carry media). With `routeTo` (subnet names) the
 * stream's group is routed there before anything is sent. `bridgeExtra`/`gatewayExtra`: YAML
 * appended to the top level of each file (a key the test needs, e.g. relays: ...).
 */
export async function startCampusLancast(campus, spawn, {
  ttl = 4, gateways = Object.keys(campus.subnets).filter((s) => s !== 'a'), sender = true,
  token = 'campus-whip-token-0123', routeTo = null, bridgeExtra = '', gatewayExtra = '',
  dir = mkdtempSync(join(tmpdir(), 'lancast-campus-')), readyMs = READY_MS,
} = {}) {
  const b = campus.bridgeHost;
  // One token per gateway, bound to its name (keys.gatewayTokens); gateways reach the bridge's
  // default HTTPS on :8443, whose kept certificate they pin once the bridge proved it holds their token.
  const gatewayTokens = Object.fromEntries(gateways.map((s) => [`gw-${s}`, randomBytes(16).toString('hex')]));
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const bridgeUrl = `http://${b.ip}:8080`;
  const bridgeHttpsUrl = `https://${b.ip}:8443`;
  const bridgeConfig = join(dir, 'bridge.yaml');
  const bridgeYaml = (t) => `http:
  listen: ${b.ip}:8080
stateDirectory: ${dir}
media:
  listen: ${b.ip}:10000
feedback: ${b.ip}:10002
multicast:
  interface: ${b.ifName}
  ttl: ${t}
keys:
  gatewayTokens: { ${Object.entries(gatewayTokens).map(([n, t]) => `${n}: ${t}`).join(', ')} }
discovery:
  mdns: false
streams:
  - name: main
    tokens: [${token}]
    video: { group: ${group}, port: 5004 }
    audio: { group: ${group}, port: 5006 }
${bridgeExtra}`;
  writeAtomically(bridgeConfig, bridgeYaml(ttl));
  if (routeTo) campus.routeGroups([group], routeTo);

  const bridge = spawn('bridge', 'ip', ['netns', 'exec', b.ns, LANCAST, 'bridge', '--config', bridgeConfig]);
  const gws = {};
  for (const s of gateways) {
    const g = campus.gateway(s);
    const config = join(dir, `gw-${s}.yaml`);
    writeAtomically(config, `http:
  listen: ${g.ip}:8081
media:
  listen: ${g.ip}:10001
bridgeUrl: ${bridgeHttpsUrl}
bridgeToken: ${gatewayTokens[`gw-${s}`]}
multicast:
  interface: ${g.ifName}
discovery:
  name: gw-${s}
  mdns: false
${gatewayExtra}`);
    gws[s] = { name: `gw-${s}`, host: g, config, url: `http://${g.ip}:8081`,
      proc: spawn(`gw-${s}`, 'ip', ['netns', 'exec', g.ns, LANCAST, 'gateway', '--config', config]) };
  }
  await bridge.waitForOutput((out) => out.includes('bridge ready'), readyMs);
  await Promise.all(Object.values(gws).map((g) => g.proc.waitForOutput((out) => out.includes('gateway ready'), readyMs)));
  const whipUrl = `${bridgeUrl}/whip/main`;
  let send = null;
  if (sender) {
    send = spawn('send', 'ip', ['netns', 'exec', b.ns, LANCAST, 'send', '--whip', whipUrl, '--token', token]);
    await send.waitForOutput((out) => out.includes('publishing the test clip'), readyMs);
    await bridge.waitForOutput((out) => out.includes('stream main: live'), readyMs); // sending on the groups
  }
  let currentTtl = ttl;
  return {
    dir, bridgeUrl, bridgeHttpsUrl, whipUrl, token, gatewayTokens, group, groups: [group], videoPort: 5004, audioPort: 5006,
    feedbackPort: 10002, portalUrl: `${bridgeUrl}/watch/main`, bridge, bridgeConfig, gateways: gws, sender: send,
    get ttl() { return currentTtl; },
    /** Rewrites the bridge's multicast.ttl and waits until the bridge has reopened its senders. */
    async setTtl(next) {
      const before = bridge.output().split('stream main changed').length;
      writeAtomically(bridgeConfig, bridgeYaml(next));
      await bridge.waitForOutput((out) => out.split('stream main changed').length > before, 20_000);
      currentTtl = next;
    },
    /** The bridge's /api/status, fetched from inside the bridge host. */
    status: () => statusFrom(b, bridgeUrl),
    /** Gateway `s`'s /api/status, fetched from inside its host. */
    gatewayStatus: (s) => statusFrom(gws[s].host, gws[s].url),
  };
}

/** GET URL/api/status from inside `host`; fails with the body unless 200. */
export async function statusFrom(host, url) {
  const r = await fetchFrom(host, `${url}/api/status`);
  if (r.status !== 200) throw new Error(`${url}/api/status: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

/**
 * Headless Chromium inside subnet `s`'s viewer host (one per call; `fx.browser` owns it) with
 * `url` (default: the bridge's portal, which sends the viewer to its subnet's gateway) open.
 */
export async function viewerIn(fx, campus, s, url) {
  const browser = await fx.browser({ executablePath: campus.chromiumIn(campus.viewer(s)) });
  return openPage(browser, url);
}

/** Waits until the bridge's registry lists gateway subnets `subnets` as serving main. */
export function gatewaysServing(lancast, subnets, { timeoutMs = 60_000 } = {}) {
  return waitFor(async () => (await lancast.status()).gateways, {
    until: (list) => subnets.every((s) => list.some((g) => g.name === `gw-${s}` && g.streams.includes('main'))),
    timeoutMs,
    what: `gateways ${subnets.join(', ')} to serve main`,
  });
}

function writeAtomically(file, text) {
  writeFileSync(`${file}.new`, text);
  renameSync(`${file}.new`, file);
}
