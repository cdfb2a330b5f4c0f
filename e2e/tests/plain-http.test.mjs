// Issue 22 (N2): plain HTTP never carries keys or credentials unless a lab says so. The bridge
// refuses to serve its keys and registrations on its plain port (403, saying where HTTPS is), even
// to the right token; a gateway whose bridgeUrl is http:// does not start, and a listener at that
// URL gets nothing; with allowPlainCredentials on both, the same listener gets the token (which
// shows the listener would have seen it), and a real bridge and gateway work over plain HTTP,
// the bridge saying loudly that they do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANCAST, LOOPBACK_GATEWAY, bridgeHttpYaml, httpsGet, waitFor, withFixture } from '../lib/harness.mjs';

const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

/** A plain HTTP listener on 127.0.0.1 that keeps every request it gets, with its Authorization header. */
async function listener(fx) {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} authorization=${req.headers.authorization ?? ''}`);
    res.writeHead(404).end();
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  fx.defer(() => new Promise((done) => server.close(done)));
  return { seen, url: `http://127.0.0.1:${server.address().port}` };
}

function bridgeYaml({ http, base, token, extra = '' }) {
  return `${http}
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
discovery: { mdns: false }
keys: { gatewayTokens: { ${LOOPBACK_GATEWAY}: ${token} } }
streams:
  - name: main
    tokens: [whip-token-plain-http-0123]
    video: { group: 239.255.${rnd(1, 250)}.${rnd(1, 250)}, port: ${base + 4} }
    audio: { group: 239.255.${rnd(1, 250)}.${rnd(1, 250)}, port: ${base + 6} }
${extra}`;
}

function gatewayYaml({ base, bridgeUrl, token, extra = '' }) {
  return `http: { listen: 127.0.0.1:${base + 1} }
media: { listen: 127.0.0.1:${base + 5} }
bridgeUrl: ${bridgeUrl}
bridgeToken: ${token}
multicast: { interface: lo }
discovery: { mdns: false }
${extra}`;
}

test('the bridge serves keys and registrations over HTTPS only, and a gateway sends its token to no plain-HTTP bridge',
  { timeout: 200_000 }, () => withFixture({ timeoutMs: 190_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-plain-'));
    const base = 20000 + 10 * rnd(0, 3000);
    const token = randomBytes(16).toString('hex');
    writeFileSync(join(dir, 'bridge.yaml'), bridgeYaml({ http: bridgeHttpYaml(base, base + 8, dir), base, token }));
    const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', join(dir, 'bridge.yaml')]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);

    // The bridge: the right token over plain HTTP gets 403 and no key, with where to go instead.
    const plain = await fetch(`http://127.0.0.1:${base}/api/keys`, { headers: { Authorization: `Bearer ${token}` } });
    const body = await plain.text();
    assert.equal(plain.status, 403);
    assert.ok(!body.includes('viewerTokenKey'), body);
    assert.ok(body.includes(`https://127.0.0.1:${base + 8}`), body);
    const put = await fetch(`http://127.0.0.1:${base}/api/gateways/${LOOPBACK_GATEWAY}`, { method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(put.status, 403);
    await bridge.waitForOutput((o) => o.includes('GET /api/keys from /127.0.0.1') && o.includes('over plain HTTP: 403'), 10_000);
    const secure = await httpsGet(`https://127.0.0.1:${base + 8}/api/keys`, { Authorization: `Bearer ${token}` });
    assert.equal(secure.status, 200);
    assert.ok(secure.body.includes('viewerTokenKey'));

    // The gateway: an http:// bridgeUrl stops it before anything is sent.
    const sink = await listener(fx);
    writeFileSync(join(dir, 'gateway.yaml'), gatewayYaml({ base, bridgeUrl: sink.url, token }));
    const refused = fx.process('gateway (http://)', LANCAST, ['gateway', '--config', join(dir, 'gateway.yaml')]);
    const exit = await refused.exited;
    assert.equal(exit.code, 2, refused.output());
    assert.match(refused.output(), /gateway\.yaml:3:1: bridgeUrl: is plain HTTP: this gateway's token would cross the network in clear/);
    assert.deepEqual(sink.seen, [], 'the listener got nothing');

    // The lab opt-in: the same listener now gets the token, so it would have seen it above.
    writeFileSync(join(dir, 'gateway.yaml'), gatewayYaml({ base, bridgeUrl: sink.url, token,
      extra: 'allowPlainCredentials: true\n' }));
    fx.process('gateway (lab)', LANCAST, ['gateway', '--config', join(dir, 'gateway.yaml')]);
    // Its heartbeat carries the token (the catalog request before it carries none).
    await waitFor(() => sink.seen.find((l) => l.startsWith('PUT /api/gateways/')), { timeoutMs: 90_000,
      what: 'the opted-in gateway to register with the listener' });
    assert.ok(sink.seen.some((l) => l === `PUT /api/gateways/${LOOPBACK_GATEWAY} authorization=Bearer ${token}`),
      sink.seen.join('\n'));
  }));

test('with allowPlainCredentials on both, bridge and gateway work over plain HTTP and the bridge says so',
  { timeout: 200_000 }, () => withFixture({ timeoutMs: 190_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-plain-lab-'));
    const base = 20000 + 10 * rnd(0, 3000);
    const token = randomBytes(16).toString('hex');
    writeFileSync(join(dir, 'bridge.yaml'), bridgeYaml({ base, token,
      http: `http: { listen: 127.0.0.1:${base}, allowPlainCredentials: true }` }));
    writeFileSync(join(dir, 'gateway.yaml'), gatewayYaml({ base, token, bridgeUrl: `http://127.0.0.1:${base}`,
      extra: 'allowPlainCredentials: true\n' }));
    const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', join(dir, 'bridge.yaml')]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
    assert.match(bridge.output(), /WARN .*http\.allowPlainCredentials is set: keys and gateway tokens are served on plain HTTP/);
    assert.ok(!bridge.output().includes('HTTPS on'), 'no HTTPS without http.tls when the lab opts out');
    const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', join(dir, 'gateway.yaml')]);
    await gateway.waitForOutput((o) => /WARN .*allowPlainCredentials is set: this gateway sends its token/.test(o), 90_000);
    await waitFor(async () => (await (await fetch(`http://127.0.0.1:${base + 1}/api/status`)).json()), {
      until: (s) => (s.streams ?? []).some((st) => st.name === 'main' && st.hasKey),
      timeoutMs: 90_000, what: 'the gateway to hold the stream\'s key over plain HTTP',
    });
  }));
