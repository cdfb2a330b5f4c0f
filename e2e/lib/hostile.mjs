// A hostile host on the multicast link (run inside a test namespace): it joins the group,
// captures real lancast datagrams, then sends (1) forged ones (a captured header, a tampered
// payload), (2) replays of recent ones, and (3) after `waitMs`, replays of old ones whose key the
// bridge has rotated away. Prints what it sent as one JSON line and exits.
//   node hostile.mjs GROUP PORT LOCAL_IP WAIT_MS
import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';

const [group, port, localIp, waitMs] = process.argv.slice(2);
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
await new Promise((resolve) => socket.bind(Number(port), group, resolve));
socket.addMembership(group, localIp);
socket.setMulticastInterface(localIp);
socket.setMulticastTTL(1);
socket.setMulticastLoopback(false);

const captured = [];
await new Promise((resolve) => {
  socket.on('message', (msg) => {
    // lancast datagrams only ('L', 'C', version 1), RTP (not RTCP) inside
    if (msg.length > 40 && msg[0] === 0x4c && msg[1] === 0x43 && msg[2] === 1 && !(msg[5] >= 200 && msg[5] <= 204)) {
      captured.push(Buffer.from(msg));
      if (captured.length >= 300) resolve();
    }
  });
});
socket.removeAllListeners('message');
const send = (buf) => new Promise((resolve) => socket.send(buf, Number(port), group, resolve));
const sent = { forged: 0, replayed: 0, oldKey: 0 };

for (const original of captured.slice(-100, -50)) {
  const forged = Buffer.from(original);
  forged[30] ^= 0xff; // inside the encrypted payload: authentication must fail
  await send(forged);
  sent.forged++;
}
for (const original of captured.slice(-50)) {
  await send(original); // the gateway has seen these: replays
  sent.replayed++;
}
await sleep(Number(waitMs));
for (const original of captured.slice(0, 50)) {
  await send(original); // captured under a key the bridge no longer publishes
  sent.oldKey++;
}
console.log(JSON.stringify({ keyId: captured[0][3], ...sent }));
socket.close();
