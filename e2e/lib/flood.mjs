// A hostile host's flood (run inside a test namespace): lancast datagrams under a real key id,
// each with a fresh random SSRC and random bytes where the ciphertext and tag would be, sent at
// RATE per second for SECONDS, bounded. Prints what it sent as one JSON line and exits.
//   node flood.mjs group GROUP PORT LOCAL_IP KEY_ID RATE SECONDS   (RTP to a multicast group)
//   node flood.mjs unicast HOST PORT LOCAL_IP KEY_ID RATE SECONDS  (SRTCP PLIs to a feedback port)
//   node flood.mjs stun HOST PORT LOCAL_IP USERNAME RATE SECONDS   (to a media port: every other one a
//     STUN binding request naming USERNAME, a sniffed session's, with a wrong MESSAGE-INTEGRITY; the
//     others random junk)
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const [mode, target, port, localIp, keyIdArg, rateArg, secondsArg] = process.argv.slice(2);
const keyId = mode === 'stun' ? 0 : Number(keyIdArg);
const rate = Math.min(Number(rateArg), 50_000); // bounded: this is a test, not a weapon
const seconds = Math.min(Number(secondsArg), 120);
const socket = dgram.createSocket({ type: 'udp4' });
await new Promise((resolve) => socket.bind(0, localIp, resolve));
if (mode === 'group') {
  socket.setMulticastInterface(localIp);
  socket.setMulticastTTL(1);
  socket.setMulticastLoopback(false);
}

// A pool of random datagrams, each sent with a fresh random SSRC (cheap: the flood's own CPU
// must not be what slows the machine). A buffer is reused only long after its send completed.
const POOL = 8192;
const size = mode === 'group' ? 300 : 64;
const pool = Array.from({ length: POOL }, (_, i) => (mode === 'stun' ? (i % 2 ? randomBytes(200) : stunCheck(keyIdArg))
  : template(randomBytes(size))));
const ssrcAt = mode === 'group' ? 12 : 8;
let next = 0;

function forged() {
  const buf = pool[next++ % POOL];
  if (mode !== 'stun') buf.writeUInt32BE((Math.random() * 0x100000000) >>> 0, ssrcAt);
  return buf;
}

/** A STUN binding request (RFC 5389) with USERNAME and a random (wrong) MESSAGE-INTEGRITY. */
function stunCheck(username) {
  const name = Buffer.from(username, 'utf8');
  const padded = Math.ceil(name.length / 4) * 4;
  const buf = Buffer.alloc(20 + 4 + padded + 24);
  buf.writeUInt16BE(0x0001, 0);
  buf.writeUInt16BE(4 + padded + 24, 2);
  buf.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(buf, 8);
  buf.writeUInt16BE(0x0006, 20);
  buf.writeUInt16BE(name.length, 22);
  name.copy(buf, 24);
  const mi = 24 + padded;
  buf.writeUInt16BE(0x0008, mi);
  buf.writeUInt16BE(20, mi + 2);
  randomBytes(20).copy(buf, mi + 4);
  return buf;
}

function template(buf) {
  buf[0] = 0x4c; buf[1] = 0x43; buf[2] = 1; buf[3] = keyId; // 'L' 'C' version 1, the real key id
  if (mode === 'group') {
    buf[4] = 0x80; buf[5] = 96; // RTP version 2, payload type 96; SSRC (bytes 12..15) random
  } else {
    buf[4] = 0x81; buf[5] = 206; buf[6] = 0; buf[7] = 2; // RTCP PLI; sender SSRC (bytes 8..11) random
  }
  return buf;
}

const tickMs = 10;
const perTick = Math.ceil(rate / (1000 / tickMs));
const start = Date.now();
let sent = 0;
let inFlight = 0;
let errors = 0;
while (Date.now() - start < seconds * 1000) {
  const due = Math.ceil(((Date.now() - start) / 1000) * rate) + perTick;
  while (sent < due) {
    inFlight++;
    socket.send(forged(), Number(port), target, (err) => {
      inFlight--;
      if (err) errors++;
    });
    sent++;
  }
  await sleep(tickMs);
}
while (inFlight > 0) await sleep(10);
const elapsed = (Date.now() - start) / 1000;
console.log(JSON.stringify({ mode, sent, errors, seconds: elapsed, perSecond: Math.round(sent / elapsed) }));
socket.close();
