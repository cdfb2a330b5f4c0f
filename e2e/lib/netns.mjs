// Two test hosts in network namespaces of our own, joined by one veth pair: the "bridge" host and
// the "gateway" host, with 198.18.0.0/15 addresses. Nothing here touches the machine's own
// interfaces; destroy() removes the namespaces (and with them the veths and nftables rules).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why namespace tests cannot run here, or null when they can. */
export function netnsUnavailable() {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  for (const tool of ['ip', 'nft']) {
    try { execFileSync('which', [tool], { stdio: 'ignore' }); } catch { return `needs the ${tool} command`; }
  }
  return null;
}

function run(...args) {
  return execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

export function createTwoHosts() {
  const id = `${process.pid % 1000}${Math.floor(Math.random() * 1000)}`;
  const subnet = 1 + Math.floor(Math.random() * 250);
  const hosts = {
    bridgeNs: `lcb${id}`,
    gatewayNs: `lcg${id}`,
    bridgeIp: `198.18.${subnet}.1`,
    gatewayIp: `198.18.${subnet}.2`,
    bridgeIf: `lb${id}`,
    gatewayIf: `lg${id}`,
  };
  try {
    run('ip', 'netns', 'add', hosts.bridgeNs);
    run('ip', 'netns', 'add', hosts.gatewayNs);
    run('ip', 'link', 'add', hosts.bridgeIf, 'netns', hosts.bridgeNs, 'type', 'veth',
      'peer', 'name', hosts.gatewayIf, 'netns', hosts.gatewayNs);
    for (const [ns, dev, ip] of [[hosts.bridgeNs, hosts.bridgeIf, hosts.bridgeIp], [hosts.gatewayNs, hosts.gatewayIf, hosts.gatewayIp]]) {
      run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      run('ip', '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', dev);
      run('ip', '-n', ns, 'link', 'set', dev, 'up', 'multicast', 'on');
    }
  } catch (err) {
    destroy(hosts);
    throw err;
  }
  return {
    ...hosts,
    /** A second address on the bridge host's veth, for another process on the same link. */
    addBridgeHostAddress(suffix) {
      const ip = hosts.bridgeIp.replace(/\.1$/, `.${suffix}`);
      run('ip', '-n', hosts.bridgeNs, 'addr', 'add', `${ip}/24`, 'dev', hosts.bridgeIf);
      return ip;
    },
    /** Drops `percent` % of the multicast packets arriving at the gateway host, at random. */
    dropMulticastAtGateway(percent) {
      const rules = `table ip lancast_loss {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr 239.255.0.0/16 numgen random mod 100 < ${percent} counter drop
  }
}
`;
      execFileSync('ip', ['netns', 'exec', hosts.gatewayNs, 'nft', '-f', '-'], { input: rules });
    },
    /** The nftables counter of dropped multicast packets at the gateway host. */
    droppedAtGateway() {
      const out = run('ip', 'netns', 'exec', hosts.gatewayNs, 'nft', 'list', 'table', 'ip', 'lancast_loss');
      const m = out.match(/counter packets (\d+)/);
      return m ? Number(m[1]) : 0;
    },
    /**
     * Drops `percent` % of the gateway's video datagrams to viewers on the gateway host, at random:
     * those leaving its media port bigger than 300 bytes (audio and ICE/DTLS are smaller, mostly).
     */
    dropViewerVideoAtGateway(percent, mediaPort) {
      const rules = `table ip lancast_viewer_loss {
  chain output {
    type filter hook output priority 0; policy accept;
    udp sport ${mediaPort} meta length > 300 numgen random mod 100 < ${percent} counter drop
  }
}
`;
      execFileSync('ip', ['netns', 'exec', hosts.gatewayNs, 'nft', '-f', '-'], { input: rules });
    },
    /** The nftables counter of the viewer datagrams dropped by dropViewerVideoAtGateway. */
    droppedToViewers() {
      const out = run('ip', 'netns', 'exec', hosts.gatewayNs, 'nft', 'list', 'table', 'ip', 'lancast_viewer_loss');
      const m = out.match(/counter packets (\d+)/);
      return m ? Number(m[1]) : 0;
    },
    /** A Chromium launcher that runs the browser inside the gateway host. */
    chromiumInGateway() {
      const dir = mkdtempSync(join(tmpdir(), 'lancast-chromium-'));
      const wrapper = join(dir, 'chromium-in-netns');
      writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${hosts.gatewayNs} /usr/bin/chromium "$@"\n`);
      chmodSync(wrapper, 0o755);
      return wrapper;
    },
    destroy: () => destroy(hosts),
  };
}

function destroy(hosts) {
  for (const ns of [hosts.bridgeNs, hosts.gatewayNs]) {
    try { run('ip', 'netns', 'del', ns); } catch { /* not created */ }
  }
}
