// A layered-stream LAN for the simulcast tests (issue 23): network namespaces on one Linux-bridge
// link (topology.mjs): the bridge host (which also runs the publisher's Chromium), the gateway
// host, and one host per viewer, each viewer's link optionally policed by nftables in its own
// namespace. The stream takes three video layers, each on its own group (and audio on a fourth),
// so the gateway's IGMP memberships tell which layers it receives.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANCAST, openPage, waitFor } from './harness.mjs';
import { createTopology, fetchFrom } from './topology.mjs';
import { writeNoiseY4m } from './y4m.mjs';

const READY_MS = 90_000;
export const MEDIA_PORT = 10001;

/** A 239.255.x.0/24 of our own, picked at random: groups .1 .. .4 of it. */
function groupBase() {
  return `239.255.${1 + Math.floor(Math.random() * 250)}`;
}

/**
 * Builds the hosts and starts bridge and gateway; `viewers` names the viewer hosts; `adminToken`
 * opens the bridge's admin page to whoever gives it. Resolves with the hosts, URLs, the stream's
 * groups by layer, and helpers.
 */
export async function startLayeredLan(fx, { viewers = ['a', 'b'], layers = 3, token = 'layers-whip-token-0123',
  adminToken = null } = {}) {
  const topology = createTopology();
  fx.defer(() => topology.destroy());
  const link = topology.addLink();
  const bridgeHost = topology.addHost('br');
  const bridgeIf = topology.connect(bridgeHost, link, 1);
  const gatewayHost = topology.addHost('gw');
  const gatewayIf = topology.connect(gatewayHost, link, 2);
  const viewerHosts = {};
  viewers.forEach((name, i) => {
    const host = topology.addHost(`v${name}`);
    viewerHosts[name] = { host, iface: topology.connect(host, link, 10 + i) };
  });
  const base = groupBase();
  const groups = { video: [1, 2, 3].slice(0, layers).map((n) => `${base}.${n}`), audio: `${base}.9` };
  const dir = mkdtempSync(join(tmpdir(), 'lancast-layers-'));
  const gatewayToken = randomBytes(16).toString('hex');
  const bridgeYaml = join(dir, 'bridge.yaml');
  // The gateway's token is bound to its name (keys.gatewayTokens); it reaches the bridge's default
  // HTTPS on :8443, whose kept certificate it pins once the bridge proved it holds the token.
  writeFileSync(bridgeYaml, `http:
  listen: ${bridgeIf.ip}:8080
stateDirectory: ${dir}
media:
  listen: ${bridgeIf.ip}:10000
feedback: ${bridgeIf.ip}:10002
multicast:
  interface: ${bridgeIf.ifName}
keys:
  gatewayTokens: { gw: ${gatewayToken} }
streams:
  - name: main
    tokens: [${token}]
    maxBitrate: 4000000
    video: { group: ${groups.video[0]}, port: 5004 }
    audio: { group: ${groups.audio}, port: 5006 }
    layers:
      count: ${layers}
      groups:
${groups.video.slice(1).map((g) => `        - { group: ${g}, port: 5004 }`).join('\n')}
discovery:
  mdns: false
${adminToken ? `admin:\n  tokens: [${adminToken}]\n` : ''}`);
  const gatewayYaml = join(dir, 'gateway.yaml');
  writeFileSync(gatewayYaml, `http:
  listen: ${gatewayIf.ip}:8081
media:
  listen: ${gatewayIf.ip}:${MEDIA_PORT}
bridgeUrl: https://${bridgeIf.ip}:8443
bridgeToken: ${gatewayToken}
multicast:
  interface: ${gatewayIf.ifName}
discovery:
  name: gw
  mdns: false
`);
  const bridge = fx.process('bridge', 'ip', ['netns', 'exec', bridgeHost.ns, LANCAST, 'bridge', '--config', bridgeYaml]);
  const gateway = fx.process('gateway', 'ip', ['netns', 'exec', gatewayHost.ns, LANCAST, 'gateway', '--config', gatewayYaml]);
  await bridge.waitForOutput((out) => out.includes('bridge ready'), READY_MS);
  await gateway.waitForOutput((out) => out.includes('gateway ready'), READY_MS);
  const bridgeUrl = `http://${bridgeIf.ip}:8080`;
  const gatewayUrl = `http://${gatewayIf.ip}:8081`;
  return {
    topology, bridgeHost, gatewayHost, viewerHosts, groups, token, bridge, gateway, bridgeUrl, gatewayUrl,
    whipUrl: `${bridgeUrl}/whip/main`,
    viewerUrl: `${gatewayUrl}/?stream=main`,
    /** The multicast groups the gateway host has joined on its interface, from /proc/net/igmp. */
    joinedGroups() {
      return parseIgmp(topology.exec(gatewayHost, 'cat', '/proc/net/igmp'), gatewayIf.ifName);
    },
    /**
     * Polices what the viewer host receives from the gateway's media port to `kbitPerSecond`, as a
     * token-bucket policer with a burst of about a second of the rate (keyframes are bursts).
     */
    police(name, kbitPerSecond, burstBytes = Math.round(kbitPerSecond * 1000 / 8)) {
      const rules = `table ip lancast_police {
  chain input {
    type filter hook input priority 0; policy accept;
    udp sport ${MEDIA_PORT} limit rate over ${Math.round(kbitPerSecond / 8)} kbytes/second burst ${burstBytes} bytes counter drop
  }
}
`;
      execFileSync('ip', ['netns', 'exec', viewerHosts[name].host.ns, 'nft', '-f', '-'], { input: rules });
    },
    /** Datagrams the policer of a viewer host dropped. */
    policed(name) {
      const out = topology.exec(viewerHosts[name].host, 'nft', 'list', 'table', 'ip', 'lancast_police');
      const m = out.match(/counter packets (\d+)/);
      return m ? Number(m[1]) : 0;
    },
    /** A Chromium launcher for a host (the publisher runs on the bridge host). */
    chromiumIn(host) {
      return topology.chromiumIn(host);
    },
    /** The gateway's /api/status, fetched from the gateway host. */
    async status() {
      return JSON.parse((await fetchFrom(gatewayHost, `${gatewayUrl}/api/status`)).body);
    },
    /** The bridge's /api/status, fetched from the bridge host. */
    async bridgeStatus() {
      return JSON.parse((await fetchFrom(bridgeHost, `${bridgeUrl}/api/status`)).body);
    },
  };
}

/** The IPv4 groups joined on one interface, from the text of /proc/net/igmp. */
export function parseIgmp(text, ifName) {
  const groups = [];
  let current = null;
  for (const line of text.split('\n')) {
    const head = line.match(/^\d+\s+(\S+)\s*:/);
    if (head) {
      current = head[1];
      continue;
    }
    const entry = line.match(/^\s+([0-9A-Fa-f]{8})\s/);
    if (entry && current === ifName) {
      const hex = entry[1];
      // The kernel prints the address as a host-order (little-endian) word.
      const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
      groups.push(bytes.join('.'));
    }
  }
  return groups;
}

/**
 * Opens the bridge's broadcast page in Chromium on the bridge host (its plain-HTTP origin treated
 * as secure, as a broadcaster's HTTPS would be) and goes live with a 720p camera of noise
 * (lib/y4m.mjs): the page sends one simulcast layer per layer the stream takes.
 */
export async function publishFromBroadcastPage(fx, lan) {
  const camera = join(mkdtempSync(join(tmpdir(), 'lancast-camera-')), 'noise.y4m');
  writeNoiseY4m(camera);
  const browser = await fx.browser({
    executablePath: lan.chromiumIn(lan.bridgeHost),
    args: [`--unsafely-treat-insecure-origin-as-secure=${lan.bridgeUrl}`, `--use-file-for-fake-video-capture=${camera}`],
  });
  const broadcaster = await openPage(browser, `${lan.bridgeUrl}/broadcast`);
  const { page } = broadcaster;
  await waitFor(() => page.evaluate(() => window.lancastBroadcast.state), { until: (s) => s === 'idle',
    what: 'the camera to open', timeoutMs: 30_000 });
  await page.fill('#token', lan.token);
  await page.click('#golive');
  await waitFor(() => page.evaluate(() => window.lancastBroadcast.pc?.connectionState ?? 'no pc'), {
    until: (s) => s === 'connected', what: 'the broadcast page to connect', timeoutMs: 30_000 });
  return broadcaster;
}

/** The viewer page's inbound video: size, frames, packets, loss, freezes (getStats). */
export function inbound(page) {
  return page.evaluate(async () => {
    const pc = window.lancastViewer?.pc;
    const out = { frameWidth: 0, frameHeight: 0, framesDecoded: 0, packetsReceived: 0, packetsLost: 0,
      freezeCount: 0, totalFreezesDuration: 0, keyFramesDecoded: 0, pliCount: 0 };
    if (!pc) return out;
    for (const s of (await pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        for (const k of Object.keys(out)) out[k] = s[k] ?? 0;
      }
    }
    return out;
  });
}

/** The broadcast page's outbound video per layer (rid, size, fps, target, why limited) and its estimate. */
export function publisherStats(page) {
  return page.evaluate(async () => {
    const pc = window.lancastBroadcast?.pc;
    if (!pc) return null;
    const layers = [];
    let estimate = null;
    for (const s of (await pc.getStats()).values()) {
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        layers.push(`${s.rid}:${s.frameWidth ?? 0}x${s.frameHeight ?? 0}@${Math.round(s.framesPerSecond ?? 0)}`
          + ` ${Math.round((s.targetBitrate ?? 0) / 1000)}k ${s.qualityLimitationReason} ${s.active === false ? 'inactive' : ''}`);
      } else if (s.type === 'candidate-pair' && s.nominated) {
        estimate = s.availableOutgoingBitrate;
      }
    }
    return `${layers.sort().join(' | ')}; estimate ${Math.round((estimate ?? 0) / 1000)}k`;
  });
}
