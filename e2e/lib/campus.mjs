// A routed campus on one machine (issue 20), built on topology.mjs: subnet "a" holds the bridge
// host, a router namespace joins it to the gateway subnets ("b", "c", ...), each with a gateway
// host and a viewer host. Every subnet's switch is a Linux bridge that floods multicast, or
// snoops IGMP with a querier, or snoops with no querier reaching the hosts (a hardware switch
// without querier: groups stop one membership interval after the join). The router routes
// unicast between all subnets and multicast only along static (S,G) routes, with the kernel's
// multicast routing (smcroute) where the kernel has it, else an nftables emulation (below and
// docs/deployment.md). Multicast into one subnet can be blocked and restored mid-stream.
// Namespaces are PREFIX-sw, PREFIX-router, PREFIX-bridge, PREFIX-gw-b, PREFIX-viewer-b...;
// destroy() (and, unless keepOnExit, the process's exit) kills what runs in them and deletes them.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTopology, fetchFrom } from './topology.mjs';
import { netnsUnavailable } from './netns.mjs';
import { CHROMIUM } from './harness.mjs';
import { ROUTER_TABLE, routerRules, smcrouteConfig, switchCommands, switchRules, parseTcpdump } from './campus-rules.mjs';

export { fetchFrom };
const HOST_TABLE = 'lancast_campus_host';

function run(...args) {
  return execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}
function runInput(input, ...args) {
  return execFileSync(args[0], args.slice(1), { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}
function has(tool) {
  try { execFileSync('which', [tool], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** Why a campus cannot be built here, or null. */
export function campusUnavailable() {
  return netnsUnavailable() ?? (has('tcpdump') ? null : 'needs the tcpdump command (Debian tcpdump)');
}

/**
 * 'smcroute' where the kernel routes multicast (CONFIG_IP_MROUTE: /proc/net/ip_mr_vif exists) and
 * smcrouted is installed, else 'nft' (the emulation). LANCAST_CAMPUS_ROUTING=nft|smcroute forces one.
 */
export function routingMode() {
  const forced = process.env.LANCAST_CAMPUS_ROUTING;
  if (forced === 'nft' || forced === 'smcroute') return forced;
  return existsSync('/proc/net/ip_mr_vif') && has('smcrouted') ? 'smcroute' : 'nft';
}

/**
 * Builds the campus. `subnets`: the gateway subnets besides "a"; `switches`: per subnet (a
 * included) a mode 'flood' | 'querier' | 'no-querier' or { mode, membershipIntervalMs,
 * queryIntervalMs, queryResponseIntervalMs, lastMemberIntervalMs, igmpVersion } (default 'flood').
 */
export function createCampus({ prefix = `lcc-${process.pid % 1000}${Math.floor(Math.random() * 1000)}`,
  subnets = ['b', 'c'], switches = {}, routing = routingMode(), keepOnExit = false } = {}) {
  if (subnets.includes('a')) throw new Error('subnet "a" is the bridge\'s; name the gateway subnets b, c, ...');
  const net = createTopology({ prefix });
  const layout = { prefix, routing, switchNs: net.switchNs, namespaces: net.namespaces, subnets: {}, hosts: {},
    routes: [], blocked: [] };
  const cleanupOnExit = () => removeNamespaces(layout.namespaces);
  try {
    const router = net.addHost('router');
    layout.hosts.router = { ns: router.ns, name: 'router', ifs: {} };
    layout.hosts.switch = { ns: net.switchNs, name: 'switch' };
    for (const name of ['a', ...subnets]) {
      const link = net.addLink();
      const rif = net.connect(router, link, 254, { ifName: `eth-${name}` });
      layout.subnets[name] = { name, cidr: link.subnet, prefix: link.prefix, dev: link.dev, routerIp: rif.ip,
        routerIf: rif.ifName, routerPort: rif.port, ports: link.ports, switch: { mode: 'flood' } };
      layout.hosts.router.ifs[name] = rif.ifName;
    }
    net.forward(router);
    plug(layout, 'bridge', 'a', 1);
    for (const s of subnets) {
      plug(layout, `gw-${s}`, s, 2);
      plug(layout, `viewer-${s}`, s, 10);
    }
    const campus = openCampus(layout);
    for (const [name, spec] of Object.entries({ a: 'flood', ...Object.fromEntries(subnets.map((s) => [s, 'flood'])), ...switches })) {
      campus.setSwitch(name, spec);
    }
    campus.routeGroups([]);
    if (!keepOnExit) {
      process.once('exit', cleanupOnExit);
      const destroy = campus.destroy;
      campus.destroy = () => { process.removeListener('exit', cleanupOnExit); destroy(); };
    }
    return campus;
  } catch (err) {
    removeNamespaces(layout.namespaces);
    throw err;
  }
}

// A host namespace PREFIX-NAME plugged into subnet `s`'s switch as .number (eth0 in the host,
// p-NAME on the switch), routing 198.18.0.0/15 via the router, counting the multicast it gets.
function plug(layout, name, s, number) {
  const sw = layout.subnets[s] ?? fail(`no subnet ${s}`);
  if (layout.hosts[name]) fail(`host ${name} exists`);
  const ns = `${layout.prefix}-${name}`;
  const port = `p-${name}`.slice(0, 15);
  const ip = `${sw.prefix}.${number}`;
  run('ip', 'netns', 'add', ns);
  layout.namespaces.push(ns);
  run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
  run('ip', 'link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', layout.switchNs);
  run('ip', '-n', layout.switchNs, 'link', 'set', port, 'master', sw.dev);
  run('ip', '-n', layout.switchNs, 'link', 'set', port, 'up');
  run('ip', '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0');
  run('ip', '-n', ns, 'link', 'set', 'eth0', 'up', 'multicast', 'on');
  run('ip', '-n', ns, 'route', 'add', '198.18.0.0/15', 'via', sw.routerIp);
  sw.ports.push(port);
  layout.hosts[name] = { ns, name, subnet: s, ip, ifName: 'eth0', port };
  installHostCounter(layout.hosts[name]);
  return layout.hosts[name];
}

/**
 * The campus object over a layout (createCampus's, or one read back from tools/campus's state
 * file): every method acts on the namespaces by name, so a later process can drive the same campus.
 */
export function openCampus(layout) {
  const { hosts, subnets } = layout;
  const host = (h) => (typeof h === 'string' ? hosts[h] ?? fail(`no host ${h}`) : h);
  const subnet = (s) => subnets[s] ?? fail(`no subnet ${s}`);
  const nft = (ns, script) => runInput(script, 'ip', 'netns', 'exec', ns, 'nft', '-f', '-');
  const loadRouter = () => {
    if (layout.routing === 'smcroute') reloadSmcroute(layout);
    nft(hosts.router.ns, routerRules(layout));
  };

  const campus = {
    layout,
    prefix: layout.prefix,
    routing: layout.routing,
    subnets,
    hosts,
    bridgeHost: hosts.bridge,
    router: hosts.router,
    /** The gateway host of subnet `s` (PREFIX-gw-s, address .2). */
    gateway: (s) => host(`gw-${s}`),
    /** The viewer host of subnet `s` (PREFIX-viewer-s, address .10). */
    viewer: (s) => host(`viewer-${s}`),
    /** Another host NAME in subnet `s` at address .number (a second gateway, say). */
    addHost(name, s, number) {
      const h = plug(layout, name, s, number);
      nft(layout.switchNs, switchRules(layout)); // a 'no-querier' switch keeps its new port quiet too
      return h;
    },

    /**
     * Static multicast routes, replacing the previous ones: each group (sent by `source`, the
     * bridge host by default; '*' for any) is forwarded from subnet "a" into the subnets `to`.
     */
    routeGroups(groups, to = [], { source = hosts.bridge.ip } = {}) {
      for (const s of to) subnet(s);
      layout.routes = groups.map((group) => ({ group, source, from: 'a', to: [...to] }));
      loadRouter();
    },
    /** Drops every multicast packet the router would send into subnet `s` (nftables, postrouting). */
    blockMulticast(s) {
      subnet(s);
      if (!layout.blocked.includes(s)) layout.blocked.push(s);
      run('ip', 'netns', 'exec', hosts.router.ns, 'nft', 'add', 'element', 'ip', ROUTER_TABLE, 'blocked', `{ "${subnet(s).routerIf}" }`);
    },
    restoreMulticast(s) {
      layout.blocked = layout.blocked.filter((b) => b !== s);
      run('ip', 'netns', 'exec', hosts.router.ns, 'nft', 'delete', 'element', 'ip', ROUTER_TABLE, 'blocked', `{ "${subnet(s).routerIf}" }`);
    },
    /**
     * The router's counters: `forwarded[s]` multicast packets sent into subnet s, `blocked[s]`
     * dropped there by blockMulticast, `ttlExpired` packets of a routed group that arrived with
     * TTL <= 1 and were not forwarded.
     */
    routerCounters() {
      const out = JSON.parse(run('ip', 'netns', 'exec', hosts.router.ns, 'nft', '-j', 'list', 'counters', 'table', 'ip', ROUTER_TABLE));
      const counters = { forwarded: {}, blocked: {}, ttlExpired: 0 };
      for (const entry of out.nftables) {
        const c = entry.counter;
        if (!c) continue;
        const [kind, s] = c.name.split('_');
        if (kind === 'fwd') counters.forwarded[s] = c.packets;
        else if (kind === 'blocked') counters.blocked[s] = c.packets;
        else if (c.name === 'ttl_expired') counters.ttlExpired = c.packets;
      }
      return counters;
    },
    /** UDP multicast packets (239.255.0.0/16, so no IGMP) that reached `h`'s interface, joined or not. */
    multicastReceived(h) {
      const out = JSON.parse(run('ip', 'netns', 'exec', host(h).ns, 'nft', '-j', 'list', 'counter', 'ip', HOST_TABLE, 'mcast_in'));
      return out.nftables.find((e) => e.counter)?.counter.packets ?? 0;
    },
    /** Sets subnet `s`'s switch: see createCampus's `switches`. */
    setSwitch(s, spec) {
      const sw = subnet(s);
      sw.switch = typeof spec === 'string' ? { mode: spec } : { ...spec };
      // The query filter first: one query reaching the hosts would put them in IGMPv2 mode, whose
      // unsolicited reports come up to 10 s apart instead of 1 s, blurring the stop time.
      nft(layout.switchNs, switchRules(layout));
      for (const args of switchCommands(sw)) run('ip', 'netns', 'exec', layout.switchNs, ...args);
    },
    /** The switch's IGMP snooping table for subnet `s`: [{ group, host }] (host: the member's name). */
    memberships(s) {
      const sw = subnet(s);
      const out = JSON.parse(run('ip', 'netns', 'exec', layout.switchNs, 'bridge', '-j', 'mdb', 'show', 'dev', sw.dev));
      const byPort = Object.fromEntries(Object.values(hosts).filter((h) => h.port).map((h) => [h.port, h.name]));
      byPort[sw.routerPort] = 'router';
      return out.flatMap((e) => e.mdb ?? []).filter((m) => /^\d+\.\d+\.\d+\.\d+$/.test(m.grp))
        .map((m) => ({ group: m.grp, host: byPort[m.port] ?? m.port }));
    },
    /**
     * Captures up to `count` multicast packets (239.255.0.0/16, UDP; with `groupsOnly: false` any
     * UDP the filter takes) with tcpdump, on the router's interface into subnet `where` (a subnet
     * name) or on a host's interface ({ host: name }), for at most `timeoutMs`. Resolves to
     * [{ src, sport, dst, dport, ttl, tos, dscp, length }].
     */
    async capture(where, { count = 10, timeoutMs = 10_000, filter = '', groupsOnly = true } = {}) {
      const [ns, ifName] = typeof where === 'string'
        ? [hosts.router.ns, subnet(where).routerIf] : [host(where.host).ns, host(where.host).ifName];
      const expr = `udp${groupsOnly ? ' and dst net 239.255.0.0/16' : ''}${filter ? ` and (${filter})` : ''}`;
      const args = ['netns', 'exec', ns, 'timeout', String(Math.ceil(timeoutMs / 1000)), 'tcpdump', '-i', ifName,
        '-n', '-v', '-l', '-c', String(count), expr];
      const { stdout } = await promisify(execFile)('ip', args).catch((err) => ({ stdout: err.stdout ?? '' }));
      return parseTcpdump(stdout);
    },
    /** A Chromium launcher (for launchChromium's executablePath) that runs the browser inside `h`. */
    chromiumIn(h) {
      const dir = mkdtempSync(join(tmpdir(), 'lancast-chromium-'));
      const wrapper = join(dir, 'chromium-in-netns');
      writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${host(h).ns} ${CHROMIUM} "$@"\n`);
      chmodSync(wrapper, 0o755);
      return wrapper;
    },
    /** Runs a command inside `h` (a host object or name) and returns its output. */
    exec(h, ...args) {
      return run('ip', 'netns', 'exec', host(h).ns, ...args);
    },
    /** Kills what still runs in the campus's namespaces and deletes them. */
    destroy() {
      removeNamespaces(layout.namespaces);
    },
  };
  return campus;
}

/** Deletes every namespace whose name starts with `prefix` ("lcc-cli", "lcc-"), and what runs there. */
export function removeByPrefix(prefix) {
  const names = existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(prefix)) : [];
  removeNamespaces(names);
  return names;
}

function removeNamespaces(names) {
  for (const ns of names) {
    let pids = [];
    try { pids = run('ip', 'netns', 'pids', ns).split(/\s+/).filter(Boolean).map(Number); } catch { /* gone */ }
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  for (const ns of [...names].reverse()) {
    try { run('ip', 'netns', 'del', ns); } catch { /* not created */ }
  }
}

// Every host counts the group packets that reach its interface, whether it joined or not.
function installHostCounter(h) {
  runInput(`table ip ${HOST_TABLE} {
  counter mcast_in { }
  chain prerouting {
    type filter hook prerouting priority -300; policy accept;
    ip daddr 239.255.0.0/16 meta l4proto udp counter name "mcast_in"
  }
}
`, 'ip', 'netns', 'exec', h.ns, 'nft', '-f', '-');
}

// smcrouted keeps the kernel's multicast routes; started once, then reloaded with the new file.
function reloadSmcroute(layout) {
  const dir = `/run/${layout.prefix}-smcroute`;
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('sh', ['-c', `cat > ${dir}/smcroute.conf`], { input: smcrouteConfig(layout) });
  const ns = layout.hosts.router.ns;
  if (!layout.smcrouteStarted) {
    execFileSync('sh', ['-c', `ip netns exec ${ns} smcrouted -N -f ${dir}/smcroute.conf -u ${dir}/sock -l notice -I ${layout.prefix} </dev/null >${dir}/log 2>&1 &`]);
    layout.smcrouteStarted = true;
    execFileSync('sleep', ['1']);
  }
  execFileSync('ip', ['netns', 'exec', ns, 'smcroutectl', '-u', `${dir}/sock`, 'reload']);
}

function fail(message) {
  throw new Error(message);
}
