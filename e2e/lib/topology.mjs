// A small network of our own: network namespaces as hosts, Linux bridges (in a "switch"
// namespace) as links, 198.18.0.0/15 addresses. Nothing touches the machine's own interfaces;
// destroy() deletes every namespace it made, and with them their veths, bridges and processes'
// sockets. Use for tests that need more than the two hosts of netns.mjs (several gateways,
// several subnets, an Avahi host).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(...args) {
  return execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/**
 * `prefix` names the namespaces `PREFIX-sw` (the switch) and `PREFIX-NAME` (hosts), so that
 * leftovers can be found by prefix; without it they are `lcsID` and `lcNAMEID`.
 */
export function createTopology({ prefix } = {}) {
  const id = `${process.pid % 100}${Math.floor(Math.random() * 100)}`;
  const switchNs = prefix ? `${prefix}-sw` : `lcs${id}`;
  const namespaces = [switchNs];
  const links = [];
  let veths = 0;
  run('ip', 'netns', 'add', switchNs);
  run('ip', '-n', switchNs, 'link', 'set', 'lo', 'up');

  const topology = {
    /** The namespace holding every link's Linux bridge. */
    switchNs,
    /** Every namespace made so far, the switch's first. */
    namespaces,
    /** A link (one Ethernet segment) with the /24 198.18.N.0, N chosen at random. */
    addLink() {
      const index = links.length;
      const prefix = `198.18.${1 + Math.floor(Math.random() * 250)}`;
      if (links.some((l) => l.prefix === prefix)) return topology.addLink();
      const dev = `br${index}`;
      // No IGMP snooping: with no querier on the link, the bridge must flood multicast to all ports.
      run('ip', '-n', switchNs, 'link', 'add', dev, 'type', 'bridge', 'mcast_snooping', '0');
      run('ip', '-n', switchNs, 'link', 'set', dev, 'up');
      const link = { dev, prefix, subnet: `${prefix}.0/24`, ports: [] };
      links.push(link);
      return link;
    },
    /** A host: a namespace with lo up. */
    addHost(name) {
      const ns = prefix ? `${prefix}-${name}` : `lc${name}${id}`;
      run('ip', 'netns', 'add', ns);
      namespaces.push(ns);
      run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      return { ns, name, interfaces: [] };
    },
    /**
     * Plugs `host` into `link` as address prefix.hostNumber; returns { ifName, ip, port } (port:
     * the switch side). `ifName` names the host's side (default vNID).
     */
    connect(host, link, hostNumber, { ifName = `v${veths}${id}` } = {}) {
      const n = veths++;
      const peer = `p${n}${id}`;
      run('ip', 'link', 'add', ifName, 'netns', host.ns, 'type', 'veth', 'peer', 'name', peer, 'netns', switchNs);
      run('ip', '-n', switchNs, 'link', 'set', peer, 'master', link.dev);
      run('ip', '-n', switchNs, 'link', 'set', peer, 'up');
      const ip = `${link.prefix}.${hostNumber}`;
      run('ip', '-n', host.ns, 'addr', 'add', `${ip}/24`, 'dev', ifName);
      run('ip', '-n', host.ns, 'link', 'set', ifName, 'up', 'multicast', 'on');
      link.ports.push(peer);
      const iface = { ifName, ip, link, port: peer };
      host.interfaces.push(iface);
      return iface;
    },
    /** Lets `host` route between its links (a router between subnets). */
    forward(host) {
      run('ip', 'netns', 'exec', host.ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    },
    /** Sends `host`'s traffic for other 198.18.0.0/15 subnets through `via` (an address on its link). */
    route(host, via) {
      run('ip', '-n', host.ns, 'route', 'add', '198.18.0.0/15', 'via', via);
    },
    /** Runs a command inside `host` and returns its output. */
    exec(host, ...args) {
      return run('ip', 'netns', 'exec', host.ns, ...args);
    },
    /** A Chromium launcher (for fx.browser's executablePath) that runs the browser inside `host`. */
    chromiumIn(host) {
      const dir = mkdtempSync(join(tmpdir(), 'lancast-chromium-'));
      const wrapper = join(dir, 'chromium-in-netns');
      writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${host.ns} /usr/bin/chromium "$@"\n`);
      chmodSync(wrapper, 0o755);
      return wrapper;
    },
    destroy() {
      for (const ns of namespaces.reverse()) {
        try { run('ip', 'netns', 'del', ns); } catch { /* not created */ }
      }
    },
  };
  return topology;
}

/**
 * An HTTP request made from inside `host` (so its source address is that host's), with Node's
 * fetch; redirects are not followed. Resolves to { status, location, body }.
 */
export async function fetchFrom(host, url, { method = 'GET' } = {}) {
  const script = `const r = await fetch(${JSON.stringify(url)}, { method: ${JSON.stringify(method)}, redirect: 'manual' });
process.stdout.write(JSON.stringify({ status: r.status, location: r.headers.get('location'), body: await r.text() }));`;
  try {
    const { stdout } = await promisify(execFile)('ip',
      ['netns', 'exec', host.ns, process.execPath, '--input-type=module', '-e', script], { timeout: 20_000 });
    return JSON.parse(stdout);
  } catch (err) {
    return { status: 0, location: null, body: `${err.message}` };
  }
}
