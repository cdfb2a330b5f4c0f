// Issue 4 (HTTPS): bridge and gateway serve HTTPS with self-signed certificates, their plain HTTP
// ports redirect there, and the gateway trusts the bridge by the fingerprint the bridge logged.
// The browser reaches both under names that are not localhost (mapped to 127.0.0.1), so only
// HTTPS makes the broadcast page a secure context; it trusts the two certificates by their
// public keys (SPKI pins), as an admin would after comparing the logged values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LANCAST, broadcastFromBrowser, expectAudioGrowing, openViewer, waitForMedia, withFixture,
} from '../lib/harness.mjs';

const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));
const READY_MS = 90_000;

/** The fingerprint and SPKI pin the process logged for its HTTPS certificate, once it is ready. */
async function certificateOf(proc, ready) {
  return proc.waitForOutput((out) => {
    if (!out.includes(ready)) return null;
    const m = out.match(/SHA-256 fingerprint ([0-9A-F:]{95}), SPKI SHA-256 (\S+)/);
    return m && { fingerprint: m[1], spki: m[2] };
  }, READY_MS);
}

test('broadcast and viewer pages over HTTPS with self-signed certificates', { timeout: 200_000 }, () =>
  withFixture({ timeoutMs: 190_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-https-'));
    const base = 20000 + 10 * rnd(0, 3000);
    const [httpB, tlsB, httpG, tlsG] = [base, base + 1, base + 2, base + 3];
    const group = `239.255.${rnd(1, 250)}.${rnd(1, 250)}`;
    const gatewayToken = randomBytes(16).toString('hex');
    const bridgeFile = join(dir, 'bridge.yaml');
    writeFileSync(bridgeFile, `http:
  listen: 127.0.0.1:${httpB}
  plain: redirect
  tls:
    listen: 127.0.0.1:${tlsB}
    selfSigned: true
    selfSignedNames: [bridge.lancast.test]
    certificate: ${join(dir, 'bridge-cert.pem')}
    privateKey: ${join(dir, 'bridge-key.pem')}
media: { listen: 127.0.0.1:${base + 4} }
feedback: 127.0.0.1:${base + 5}
multicast: { interface: lo }
keys: { gatewayTokens: { gw-127-0-0-1: ${gatewayToken} } }
streams:
  - name: main
    tokens: [whip-token-https-0123]
    video: { group: ${group}, port: ${base + 6} }
    audio: { group: ${group}, port: ${base + 8} }
`);
    const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', bridgeFile]);
    const bridgeCert = await certificateOf(bridge, 'bridge ready');

    const gatewayFile = join(dir, 'gateway.yaml');
    writeFileSync(gatewayFile, `http:
  listen: 127.0.0.1:${httpG}
  plain: redirect
  tls:
    listen: 127.0.0.1:${tlsG}
    selfSigned: true
    selfSignedNames: [gateway.lancast.test]
media: { listen: 127.0.0.1:${base + 9} }
bridgeUrl: https://127.0.0.1:${tlsB}
bridgeToken: ${gatewayToken}
bridgeTls: { fingerprint: "${bridgeCert.fingerprint}" }
multicast: { interface: lo }
`);
    const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', gatewayFile]);
    const gatewayCert = await certificateOf(gateway, 'gateway ready');

    // The plain port answers every request with 308 to the same path and query on HTTPS.
    const redirect = await fetch(`http://127.0.0.1:${httpB}/broadcast?x=1`, { redirect: 'manual' });
    assert.equal(redirect.status, 308);
    assert.equal(redirect.headers.get('location'), `https://127.0.0.1:${tlsB}/broadcast?x=1`);

    const browser = await fx.browser({
      args: [
        `--ignore-certificate-errors-spki-list=${bridgeCert.spki},${gatewayCert.spki}`,
        '--host-resolver-rules=MAP *.lancast.test 127.0.0.1',
      ],
    });
    // Typed as http://, the way a person would: redirected to HTTPS, where the camera is allowed.
    const broadcaster = await broadcastFromBrowser(browser, `http://bridge.lancast.test:${httpB}/broadcast`,
      'whip-token-https-0123');
    const where = await broadcaster.page.evaluate(() => ({ url: location.href, secure: window.isSecureContext }));
    assert.deepEqual(where, { url: `https://bridge.lancast.test:${tlsB}/broadcast`, secure: true });

    const viewer = await openViewer(browser, `https://gateway.lancast.test:${tlsG}/`);
    assert.equal(await viewer.page.evaluate(() => location.protocol), 'https:');
    const { video } = await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });
    await expectAudioGrowing(viewer.page);
    console.log(`viewer over https: ${video.framesDecoded} frames decoded, ${video.frameWidth} px wide`);
  }));
