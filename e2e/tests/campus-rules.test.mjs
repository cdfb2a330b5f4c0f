// The campus test bed's rules as text (lib/campus-rules.mjs): what the router forwards, with
// which TTL condition, and what the tcpdump parser reads. No root needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTcpdump, routerRules, smcrouteConfig, switchCommands, switchRules } from '../lib/campus-rules.mjs';

const layout = (routing) => ({
  routing,
  subnets: {
    a: { name: 'a', routerIf: 'eth-a', ports: ['pa'], switch: { mode: 'flood' } },
    b: { name: 'b', routerIf: 'eth-b', ports: ['pr', 'p-gw-b'], switch: { mode: 'no-querier' } },
    c: { name: 'c', routerIf: 'eth-c', ports: ['pc'], switch: { mode: 'querier' } },
  },
  routes: [{ group: '239.255.1.2', source: '198.18.1.1', from: 'a', to: ['b', 'c'] },
    { group: '239.255.3.4', source: '*', from: 'a', to: [] }],
  blocked: ['c'],
});

test('the emulated router copies a routed (S,G) with TTL > 1 into each target subnet, and counts TTL <= 1', () => {
  const rules = routerRules(layout('nft'));
  const match = 'iifname "eth-a" ip saddr 198.18.1.1 ip daddr 239.255.1.2';
  assert.ok(rules.includes(`${match} ip ttl <= 1 counter name "ttl_expired"`), rules);
  assert.ok(rules.includes(`${match} ip ttl > 1 dup to 239.255.1.2 device "eth-b"`), rules);
  assert.ok(rules.includes(`${match} ip ttl > 1 dup to 239.255.1.2 device "eth-c"`), rules);
  assert.ok(!rules.includes('239.255.3.4'), 'a group routed nowhere gets no rule');
  assert.ok(rules.includes('elements = { "eth-c" }'), 'the blocked subnet stays blocked');
  assert.ok(rules.includes('oifname "eth-b" ip daddr 239.255.0.0/16 meta l4proto udp counter name "fwd_b"'));
  // With the kernel routing (smcroute) the table only counts and blocks.
  assert.ok(!routerRules(layout('smcroute')).includes('dup to'));
  assert.equal(smcrouteConfig(layout('smcroute')),
    'phyint eth-a enable\nphyint eth-b enable\nphyint eth-c enable\nmroute from eth-a source 198.18.1.1 group 239.255.1.2 to eth-b eth-c\n');
});

test('switch modes: snooping and querier settings, the query filter on the no-querier ports only', () => {
  const sw = (spec) => switchCommands({ dev: 'br1', routerPort: 'pr', switch: spec })[0].join(' ');
  assert.equal(sw({ mode: 'flood' }), 'ip link set dev br1 type bridge mcast_snooping 0');
  assert.equal(sw({ mode: 'no-querier', membershipIntervalMs: 20_000 }),
    'ip link set dev br1 type bridge mcast_snooping 1 mcast_querier 1 mcast_membership_interval 2000 '
    + 'mcast_query_interval 750 mcast_query_response_interval 500 mcast_startup_query_interval 188');
  assert.throws(() => sw({ mode: 'snoop' }), /switch mode snoop/);
  const rules = switchRules(layout('nft'));
  assert.ok(rules.includes('elements = { "pr", "p-gw-b" }'), rules);
  assert.ok(rules.includes('oifname @quiet ip protocol igmp counter name "queries_dropped" drop'));
});

test('tcpdump -v lines give TTL, DSCP, addresses and ports', () => {
  const out = `15:06:19.474794 IP (tos 0x88, ttl 3, id 9419, offset 0, flags [DF], proto UDP (17), length 1228)
    198.18.201.1.57220 > 239.255.7.7.5004: UDP, length 1200
15:06:19.485052 IP (tos 0xb8,ECT(0), ttl 4, id 9421, offset 0, flags [DF], proto UDP (17), length 128)
    198.18.201.1.57221 > 239.255.7.7.5006: UDP, length 100
`;
  assert.deepEqual(parseTcpdump(out), [
    { tos: 0x88, dscp: 34, ttl: 3, length: 1228, src: '198.18.201.1', sport: 57220, dst: '239.255.7.7', dport: 5004 },
    { tos: 0xb8, dscp: 46, ttl: 4, length: 128, src: '198.18.201.1', sport: 57221, dst: '239.255.7.7', dport: 5006 },
  ]);
});
