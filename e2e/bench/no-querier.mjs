// The "no IGMP querier" signature in the campus test bed (docs/deployment.md): gateways on
// IGMP-snooping switches that no query reaches, each with a shortened membership interval, and
// one behind a switch with a querier as the control. Prints, per gateway, when its join was
// learnt by the switch, when the switch forgot it and when multicast stopped reaching it; then
// how long the switch with the querier takes to forget a gateway that left (leave latency).
//   sudo node bench/no-querier.mjs          # intervals 15, 30 and 60 s; about 2.5 minutes
// (an interval shorter than the ~10 s from a gateway's join to the first media may end before it)
//   INTERVALS=5,15 WATCH_S=40 sudo node bench/no-querier.mjs
import { setTimeout as sleep } from 'node:timers/promises';
import { withFixture } from '../lib/harness.mjs';
import { campusUnavailable, createCampus } from '../lib/campus.mjs';
import { startCampusLancast } from '../lib/campus-lancast.mjs';

const INTERVALS = (process.env.INTERVALS ?? '15,30,60').split(',').map(Number);
const WATCH_S = Number(process.env.WATCH_S ?? Math.max(...INTERVALS) + 20);
const SUBNETS = ['b', 'c', 'd', 'e', 'f', 'g'];

const why = campusUnavailable();
if (why) {
  console.error(`bench/no-querier: ${why}`);
  process.exit(1);
}
if (INTERVALS.length >= SUBNETS.length) throw new Error(`at most ${SUBNETS.length - 1} intervals`);

const rows = await withFixture({ timeoutMs: (WATCH_S + 200) * 1000 }, async (fx) => {
  const quiet = INTERVALS.map((s, i) => ({ subnet: SUBNETS[i], mode: 'no-querier', intervalS: s }));
  const control = { subnet: SUBNETS[INTERVALS.length], mode: 'querier', intervalS: Math.min(...INTERVALS) };
  const all = [...quiet, control];
  const campus = createCampus({
    subnets: all.map((g) => g.subnet),
    switches: Object.fromEntries(all.map((g) => [g.subnet, { mode: g.mode, membershipIntervalMs: g.intervalS * 1000 }])),
  });
  fx.defer(() => campus.destroy());
  const lancast = await startCampusLancast(campus, fx.process, { ttl: 4, routeTo: all.map((g) => g.subnet) });
  const track = Object.fromEntries(all.map((g) => [g.subnet, { ...g, learnt: null, forgotten: null, lastPacket: null, packets: 0 }]));
  const start = Date.now();
  const t = () => (Date.now() - start) / 1000;
  // The gateways joined while the bridge was starting; the switch has their joins since then.
  for (const g of Object.values(track)) {
    if (campus.memberships(g.subnet).some((m) => m.host === `gw-${g.subnet}`)) g.learnt = 0;
  }
  while (t() < WATCH_S) {
    for (const g of Object.values(track)) {
      const member = campus.memberships(g.subnet).some((m) => m.host === `gw-${g.subnet}` && m.group === lancast.group);
      if (member && g.learnt === null) g.learnt = t();
      if (!member && g.learnt !== null && g.forgotten === null) g.forgotten = t();
      const packets = campus.multicastReceived(`gw-${g.subnet}`);
      if (packets > g.packets) { g.packets = packets; g.lastPacket = t(); }
    }
    await sleep(200);
  }
  // Leave latency behind the querier: the control gateway stops (its sockets close, the kernel
  // sends the leave); the switch asks for other members and forgets the group.
  const c = track[control.subnet];
  await lancast.gateways[control.subnet].proc.stop();
  const stopped = Date.now();
  while (campus.memberships(c.subnet).some((m) => m.host === `gw-${c.subnet}`) && Date.now() - stopped < 30_000) await sleep(50);
  c.leaveMs = Date.now() - stopped;
  // The joins: the gateway logs the time it joined; the switch learnt it from that report.
  for (const g of Object.values(track)) {
    const line = lancast.gateways[g.subnet].proc.output().split('\n').find((l) => l.includes('joined video group'));
    g.joinedAt = line ? (Date.parse(line.slice(0, 24)) - start) / 1000 : null;
  }
  return Object.values(track);
});

console.log('| switch | membership interval | gateway joined | switch forgot the join | last group packet at the gateway | stop after join |');
console.log('|---|---|---|---|---|---|');
for (const g of rows) {
  const f = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} s`);
  const still = g.lastPacket !== null && WATCH_S - g.lastPacket < 1;
  const stop = g.lastPacket === null ? 'no media before the switch forgot the join'
    : still || g.joinedAt == null ? `still flowing at ${WATCH_S} s` : `${(g.lastPacket - g.joinedAt).toFixed(1)} s`;
  console.log(`| ${g.mode} | ${g.intervalS} s | ${f(g.joinedAt)} | ${f(g.forgotten)} | ${f(g.lastPacket)} | ${stop} |`);
}
console.log('(times from the end of the start-up; negative: before it)');
const c = rows.find((g) => g.mode === 'querier');
console.log(`leave: the querier's switch forgot the stopped gateway's group ${c.leaveMs} ms after it exited`);
