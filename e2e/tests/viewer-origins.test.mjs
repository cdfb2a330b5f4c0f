// Issue 22 (N8): a stream with a viewer policy (here: viewers from 127.0.0.0/8 only) could be
// played by any web page that someone inside the subnet opened, since WHEP answered CORS "*".
// A page of another origin now cannot play it (its preflight is not granted; a POST that names its
// origin is refused), while it still plays an open stream, and the gateway's own viewer page plays
// the restricted one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANCAST, LOOPBACK_GATEWAY, bridgeHttpYaml, openPage, openViewer, waitFor, waitForMedia, withFixture } from '../lib/harness.mjs';

const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

// What a page of another web site would run: a WHEP player of its own, reporting what it got.
const ELSEWHERE_PAGE = `<!doctype html><title>another site</title><script>
window.play = async (url) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 2000);
  });
  let res;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
  } catch (err) {
    pc.close();
    return { fetched: false, error: String(err) };
  }
  if (res.status !== 201) {
    pc.close();
    return { fetched: true, status: res.status };
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 200));
    for (const s of (await pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 10) {
        pc.close();
        return { fetched: true, status: 201, frames: s.framesDecoded };
      }
    }
  }
  pc.close();
  return { fetched: true, status: 201, frames: 0 };
};
</script>`;

test('a page of another origin cannot play a restricted stream; the viewer page can', { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-origins-'));
    const base = 20000 + 20 * rnd(0, 2000);
    const [httpB, httpG] = [base, base + 1];
    const group = `239.255.${rnd(1, 250)}.${rnd(1, 250)}`;
    const gatewayToken = randomBytes(16).toString('hex');
    const bridgeFile = join(dir, 'bridge.yaml');
    writeFileSync(bridgeFile, `${bridgeHttpYaml(httpB, base + 12, dir)}
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
discovery: { mdns: false }
keys: { gatewayTokens: { ${LOOPBACK_GATEWAY}: ${gatewayToken} } }
streams:
  - name: open
    tokens: [whip-token-origins-0123]
    video: { group: ${group}, port: ${base + 4} }
    audio: { group: ${group}, port: ${base + 6} }
  - name: staff
    tokens: [whip-token-origins-0123]
    video: { group: ${group}, port: ${base + 8} }
    audio: { group: ${group}, port: ${base + 10} }
    viewers:
      subnets: [127.0.0.0/8]
`);
    const gatewayFile = join(dir, 'gateway.yaml');
    writeFileSync(gatewayFile, `http: { listen: 127.0.0.1:${httpG} }
media: { listen: 127.0.0.1:${base + 5} }
bridgeUrl: https://127.0.0.1:${base + 12}
bridgeToken: ${gatewayToken}
multicast: { interface: lo }
discovery: { mdns: false }
`);
    const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', bridgeFile]);
    const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', gatewayFile]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
    await gateway.waitForOutput((o) => o.includes('gateway ready'), 90_000);
    for (const stream of ['open', 'staff']) {
      const sender = fx.process(`send ${stream}`, LANCAST,
        ['send', '--whip', `http://127.0.0.1:${httpB}/whip/${stream}`, '--token', 'whip-token-origins-0123']);
      await sender.waitForOutput((o) => o.includes('publishing the test clip'), 90_000);
    }
    await waitFor(() => fetch(`http://127.0.0.1:${httpG}/api/status`).then((r) => r.json()), {
      until: (s) => s.streams.length === 2 && s.streams.every((x) => x.live && x.hasKey),
      timeoutMs: 60_000, what: 'both streams to be live at the gateway',
    });

    // Another web site: a page served from another origin, on another host than the bridge's
    // (whose pages, on any of its ports, may play: the gateway knows only its HTTPS URL).
    const site = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(ELSEWHERE_PAGE));
    await new Promise((resolve) => site.listen(0, '127.0.0.2', resolve));
    fx.defer(() => new Promise((resolve) => site.close(resolve)));
    const elsewhere = `http://127.0.0.2:${site.address().port}/`;

    const browser = await fx.browser();
    const page = (await openPage(browser, elsewhere)).page;
    const gatewayBase = `http://127.0.0.1:${httpG}`;
    const open = await page.evaluate((url) => window.play(url), `${gatewayBase}/whep/open`);
    console.log(`page of ${elsewhere} on the open stream: ${JSON.stringify(open)}`);
    assert.ok(open.frames > 10, 'the page elsewhere plays an open stream (any WHEP player may)');
    const staff = await page.evaluate((url) => window.play(url), `${gatewayBase}/whep/staff`);
    console.log(`page of ${elsewhere} on the restricted stream: ${JSON.stringify(staff)}`);
    assert.equal(staff.fetched, false, 'the browser refuses the page the restricted stream (no CORS granted)');
    assert.ok(!staff.frames, 'and it decodes nothing');

    // A POST that names another origin is refused outright, whatever a browser would do with the answer.
    const posted = await fetch(`${gatewayBase}/whep/staff`, {
      method: 'POST', headers: { Origin: elsewhere.slice(0, -1), 'Content-Type': 'application/sdp' }, body: 'v=0\r\n',
    });
    assert.equal(posted.status, 403, 'a POST from a page of another origin');
    assert.equal(posted.headers.get('access-control-allow-origin'), null);

    // The gateway's own viewer page plays it.
    const viewer = await openViewer(browser, `${gatewayBase}/?stream=staff`);
    await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000, label: 'the viewer page on the restricted stream' });
  }));
