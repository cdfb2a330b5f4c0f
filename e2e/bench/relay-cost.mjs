// What a unicast copy (the fallback for a gateway that multicast does not reach) costs the bridge,
// in the campus test bed (docs/benchmarks.md, "Unicast fallback"):
//   sudo node e2e/bench/relay-cost.mjs        # 0, 4 and 16 copies, 20 s each; about 3 minutes
// A host in subnet b stands in for N gateways: it asks POST /api/relays for N copies (one socket
// each, refreshed every 2 s) and counts what arrives. The bridge's CPU is read from /proc over each
// window, after the copies started; the stream is `lancast send`'s clip (~450 kbit/s).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFixture } from '../lib/harness.mjs';
import { campusUnavailable, createCampus } from '../lib/campus.mjs';
import { startCampusLancast } from '../lib/campus-lancast.mjs';

const COUNTS = (process.env.COPIES ?? '0,4,16').split(',').map(Number);
const WINDOW_MS = Number(process.env.WINDOW_MS ?? 20_000);
const TICKS = 100; // USER_HZ

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

/** A node process inside `host` that holds n sockets, asks for n copies, and prints what arrived. */
function fakeGateways(fx, campus, host, lancast, n, seconds) {
  const script = `
const dgram = require('node:dgram');
const n = ${n}; let packets = 0, bytes = 0;
const ports = [];
const ready = [];
for (let i = 0; i < n; i++) {
  const s = dgram.createSocket('udp4');
  s.on('message', (m) => { packets++; bytes += m.length; });
  ready.push(new Promise((r) => s.bind(0, '${host.ip}', () => { ports.push(s.address().port); r(); })));
}
const ask = () => Promise.all(ports.map((port) => fetch('${lancast.bridgeHttpsUrl}/api/relays', {
  method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ${lancast.gatewayTokens['gw-b']}' },
  body: JSON.stringify({ stream: 'main', port, reason: 'benchmark' }) }).then((r) => r.status)));
Promise.all(ready).then(async () => {
  const first = await ask();
  console.log(JSON.stringify({ asked: first }));
  setInterval(ask, 2000);
  const start = Date.now(); const p0 = packets, b0 = bytes;
  setTimeout(() => { console.log(JSON.stringify({ packets: packets - p0, bytes: bytes - b0, ms: Date.now() - start })); process.exit(0); }, ${seconds * 1000});
});`;
  // The bridge's certificate is its own, self-signed (a gateway pins it after the bridge's proof).
  return fx.process(`gateways-${n}`, 'ip', ['netns', 'exec', host.ns, 'env', 'NODE_TLS_REJECT_UNAUTHORIZED=0',
    process.execPath, '-e', script]);
}

const skip = campusUnavailable();
if (skip) {
  console.log(`relay-cost: skipped: ${skip}`);
  process.exit(0);
}
const results = await withFixture({ timeoutMs: COUNTS.length * (WINDOW_MS + 30_000) + 180_000 }, async (fx) => {
  const campus = createCampus({ subnets: ['b'] });
  fx.defer(() => campus.destroy());
  const lancast = await startCampusLancast(campus, fx.process, { ttl: 4, routeTo: ['b'], bridgeExtra: 'relays:\n  max: 64\n' });
  const pid = lancast.bridge.child.pid;
  const host = campus.viewer('b');
  const rows = [];
  for (const n of COUNTS) {
    const proc = n > 0 ? fakeGateways(fx, campus, host, lancast, n, (WINDOW_MS + 5_000) / 1000) : null;
    if (proc) await proc.waitForOutput((o) => o.includes('"asked"'), 30_000);
    await sleep(3_000); // the copies running, the catch-up sent
    const t0 = cpuTicks(pid);
    const start = Date.now();
    await sleep(WINDOW_MS);
    const cpu = (cpuTicks(pid) - t0) / TICKS / ((Date.now() - start) / 1000);
    let copied = { packets: 0, bytes: 0, ms: WINDOW_MS };
    if (proc) {
      const out = await proc.waitForOutput((o) => o.split('\n').find((l) => l.includes('"packets"')), WINDOW_MS + 30_000);
      copied = JSON.parse(out);
    }
    rows.push({
      copies: n,
      bridgeCores: Number(cpu.toFixed(3)),
      copiedPacketsPerSecond: Math.round(copied.packets / (copied.ms / 1000)),
      kbitPerCopy: n === 0 ? 0 : Math.round((8 * copied.bytes) / (copied.ms / 1000) / n / 1000),
    });
    console.log(JSON.stringify(rows.at(-1)));
    if (proc) await proc.stop();
  }
  return rows;
});
const base = results.find((r) => r.copies === 0);
console.log('\ncopies | bridge CPU (cores) | copied packets/s | kbit/s per copy | CPU per copied packet');
for (const r of results) {
  const perPacket = r.copiedPacketsPerSecond ? ((r.bridgeCores - base.bridgeCores) * 1e6) / r.copiedPacketsPerSecond : 0;
  console.log(`${r.copies} | ${r.bridgeCores} | ${r.copiedPacketsPerSecond} | ${r.kbitPerCopy} | ${perPacket.toFixed(1)} µs`);
}
