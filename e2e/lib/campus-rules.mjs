// What campus.mjs loads into its namespaces, as text from the campus layout (pure functions): the
// router's nftables table (static (S,G) multicast routes emulated with `dup`, the per-subnet
// block, counters), smcroute's config where the kernel routes multicast, each switch's bridge
// settings and the "no querier" emulation, and the parser of tcpdump's verbose output.
export const ROUTER_TABLE = 'lancast_campus';
export const SWITCH_TABLE = 'lancast_switch';

/**
 * The router's table. In 'nft' mode the prerouting chain is the multicast router: a packet of a
 * routed (S,G) arriving from subnet "a" with TTL > 1 is duplicated to the group out of each
 * target subnet's interface; nf_dup_ipv4 decrements the TTL (prerouting), keeps the source
 * address and sets DF, and the copy leaves with the router's MAC. TTL <= 1: not forwarded,
 * counted. The original packet goes on to the router's own stack, which drops it (not a member).
 * In 'smcroute' mode the kernel forwards and the chain only counts. In both, postrouting drops
 * what goes into a blocked subnet and counts what leaves into each.
 */
export function routerRules(layout) {
  const gatewaySubnets = Object.values(layout.subnets).filter((s) => s.name !== 'a');
  const from = layout.subnets.a.routerIf;
  const match = (r) => `iifname "${from}" ${r.source === '*' ? '' : `ip saddr ${r.source} `}ip daddr ${r.group}`;
  const pre = [];
  for (const r of layout.routes) {
    if (r.to.length === 0) continue;
    pre.push(`${match(r)} ip ttl <= 1 counter name "ttl_expired"`);
    if (layout.routing === 'nft') {
      for (const s of r.to) pre.push(`${match(r)} ip ttl > 1 dup to ${r.group} device "${layout.subnets[s].routerIf}"`);
    }
  }
  const blocked = layout.blocked.map((s) => `"${layout.subnets[s].routerIf}"`);
  return `table ip ${ROUTER_TABLE} { }
delete table ip ${ROUTER_TABLE}
table ip ${ROUTER_TABLE} {
  counter ttl_expired { }
${gatewaySubnets.map((s) => `  counter fwd_${s.name} { }\n  counter blocked_${s.name} { }\n`).join('')}  set blocked {
    type ifname
${blocked.length ? `    elements = { ${blocked.join(', ')} }\n` : ''}  }
  chain prerouting {
    type filter hook prerouting priority -150; policy accept;
${pre.map((l) => `    ${l}\n`).join('')}  }
  chain postrouting {
    type filter hook postrouting priority 0; policy accept;
${gatewaySubnets.map((s) => `    oifname "${s.routerIf}" ip daddr 239.255.0.0/16 meta l4proto udp oifname @blocked counter name "blocked_${s.name}" drop
    oifname "${s.routerIf}" ip daddr 239.255.0.0/16 meta l4proto udp counter name "fwd_${s.name}"
`).join('')}  }
}
`;
}

/** smcroute's static routes for the same layout (TTL threshold 1: TTL <= 1 is not forwarded). */
export function smcrouteConfig(layout) {
  const lines = Object.values(layout.subnets).map((s) => `phyint ${s.routerIf} enable`);
  for (const r of layout.routes) {
    if (r.to.length === 0) continue;
    const source = r.source === '*' ? '' : ` source ${r.source}`;
    lines.push(`mroute from ${layout.subnets.a.routerIf}${source} group ${r.group} to ${r.to.map((s) => layout.subnets[s].routerIf).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

const TIMERS = {
  membershipIntervalMs: 'mcast_membership_interval',
  queryIntervalMs: 'mcast_query_interval',
  queryResponseIntervalMs: 'mcast_query_response_interval',
  lastMemberIntervalMs: 'mcast_last_member_interval',
  querierIntervalMs: 'mcast_querier_interval',
  startupQueryIntervalMs: 'mcast_startup_query_interval',
};

/**
 * The commands (run in the switch namespace) that make subnet `sw`'s Linux bridge one of:
 * - 'flood': no snooping, every port gets every group (a hub, or a switch with snooping off);
 * - 'querier': snooping, and the bridge is the IGMP querier: hosts are asked to report every
 *   query interval, so memberships stay as long as the hosts are joined;
 * - 'no-querier': snooping as a hardware switch does it with no querier on the VLAN. A Linux
 *   bridge that hears no querier floods instead (the safe choice), so this runs the bridge's own
 *   querier but drops its queries at the bridge's output (SWITCH_TABLE): the bridge forwards by
 *   membership, no host is ever asked again, and a group stops reaching a port one membership
 *   interval after that port's last report (the ~260 s signature with default timers).
 * Timers (ms) shorten a test; with only membershipIntervalMs given, the query interval becomes
 * (membership - response) / 2, as GMI = 2 x QI + QRI.
 * The router's port is a static multicast-router port, as a router running PIM would be learnt.
 */
export function switchCommands(sw) {
  const spec = sw.switch;
  const snooping = spec.mode !== 'flood';
  if (!['flood', 'querier', 'no-querier'].includes(spec.mode)) throw new Error(`switch mode ${spec.mode}?`);
  const timers = { ...spec };
  if (timers.membershipIntervalMs && !timers.queryIntervalMs) {
    timers.queryResponseIntervalMs ??= Math.min(10_000, Math.floor(timers.membershipIntervalMs / 4));
    timers.queryIntervalMs = Math.max(1000, Math.floor((timers.membershipIntervalMs - timers.queryResponseIntervalMs) / 2));
    timers.startupQueryIntervalMs ??= Math.floor(timers.queryIntervalMs / 4);
  }
  const args = ['ip', 'link', 'set', 'dev', sw.dev, 'type', 'bridge', 'mcast_snooping', snooping ? '1' : '0'];
  if (snooping) {
    args.push('mcast_querier', '1');
    for (const [key, option] of Object.entries(TIMERS)) {
      if (timers[key] != null) args.push(option, String(Math.max(1, Math.round(timers[key] / 10))));
    }
    if (spec.igmpVersion) args.push('mcast_igmp_version', String(spec.igmpVersion));
  }
  return [args, ['bridge', 'link', 'set', 'dev', sw.routerPort, 'mcast_router', '2']];
}

/** The switch's bridge table: drops the bridge's own IGMP queries out of 'no-querier' subnets' ports. */
export function switchRules(layout) {
  const quiet = Object.values(layout.subnets).filter((s) => s.switch.mode === 'no-querier')
    .flatMap((s) => s.ports).map((p) => `"${p}"`);
  return `table bridge ${SWITCH_TABLE} { }
delete table bridge ${SWITCH_TABLE}
table bridge ${SWITCH_TABLE} {
  counter queries_dropped { }
  set quiet {
    type ifname
${quiet.length ? `    elements = { ${quiet.join(', ')} }\n` : ''}  }
  chain output {
    type filter hook output priority 0; policy accept;
    oifname @quiet ip protocol igmp counter name "queries_dropped" drop
  }
}
`;
}

/** Packets from `tcpdump -n -v` output: [{ src, sport, dst, dport, ttl, tos, dscp, length }]. */
export function parseTcpdump(text) {
  const re = /IP \(tos (0x[0-9a-f]+)[^\n]*?\bttl (\d+),[^\n]*?length (\d+)\)\n\s+(\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+):/g;
  return [...text.matchAll(re)].map((m) => ({
    tos: Number(m[1]), dscp: Number(m[1]) >> 2, ttl: Number(m[2]), length: Number(m[3]),
    src: m[4], sport: Number(m[5]), dst: m[6], dport: Number(m[7]),
  }));
}
