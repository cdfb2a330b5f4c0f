// Issue 11 item 5: offers whose browsers POST and vanish (a closed tab, a locked phone) must not
// keep an honest viewer waiting. Four Chromium peer connections post their WHEP offer and are
// closed before they apply the answer, so they never send a STUN check or a DTLS record; their
// sessions live on at the gateway until their handshake and consent timeouts (120 s here, the
// most the handshake timeout allows). A viewer that joins next plays on its first WHEP session,
// well within that time (before the fix it waited for them: ~29 s with the default 30 s consent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LANCAST, bridgeHttpYaml, LOOPBACK_GATEWAY, measureJoin, openPage, waitFor, withFixture,
} from '../lib/harness.mjs';

const VANISHED = 4;
const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

test(`a viewer behind ${VANISHED} vanished offers plays`, { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-joins-'));
    fx.defer(() => rmSync(dir, { recursive: true, force: true }));
    const base = 20000 + 10 * rnd(0, 3000);
    const [httpB, httpG] = [base, base + 1];
    const group = `239.255.${rnd(1, 250)}.${rnd(1, 250)}`;
    const gatewayToken = randomBytes(16).toString('hex');
    writeFileSync(join(dir, 'bridge.yaml'), `${bridgeHttpYaml(httpB, base + 8, dir)}
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
keys: { gatewayTokens: { ${LOOPBACK_GATEWAY}: ${gatewayToken} } }
streams:
  - name: main
    tokens: [whip-token-joins-0123]
    video: { group: ${group}, port: ${base + 4} }
    audio: { group: ${group}, port: ${base + 6} }
`);
    writeFileSync(join(dir, 'gateway.yaml'), `http: { listen: 127.0.0.1:${httpG} }
media: { listen: 127.0.0.1:${base + 5}, consentTimeoutSeconds: 120 }
bridgeUrl: https://127.0.0.1:${base + 8}
bridgeToken: ${gatewayToken}
multicast: { interface: lo }
limits: { dtlsHandshakeTimeoutSeconds: 120 }
`);
    const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', join(dir, 'bridge.yaml')]);
    const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', join(dir, 'gateway.yaml')]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
    await gateway.waitForOutput((o) => o.includes('gateway ready'), 90_000);
    fx.process('send', LANCAST, ['send', '--whip', `http://127.0.0.1:${httpB}/whip/main`, '--token', 'whip-token-joins-0123']);
    const gatewayBase = `http://127.0.0.1:${httpG}`;
    const gatewayStatus = async () => (await fetch(`${gatewayBase}/api/status`)).json();
    await waitFor(gatewayStatus, {
      until: (s) => s.streams?.some((m) => m.name === 'main' && m.live && m.hasKey && m.multicastReceived > 0),
      timeoutMs: 90_000, what: 'the gateway to receive the live stream',
    });

    const browser = await fx.browser();
    const vanishing = await openPage(browser, `${gatewayBase}/healthz`);
    const statuses = await vanishing.page.evaluate(async ({ count, url }) => {
      const result = [];
      for (let i = 0; i < count; i++) {
        const pc = new RTCPeerConnection();
        pc.addTransceiver('video', { direction: 'recvonly' });
        pc.addTransceiver('audio', { direction: 'recvonly' });
        await pc.setLocalDescription(await pc.createOffer());
        const response = await fetch(url, {
          method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp,
        });
        result.push(response.status);
        pc.close(); // gone before it ever applies the answer: no ICE check, no ClientHello
      }
      return result;
    }, { count: VANISHED, url: `${gatewayBase}/whep/main` });
    assert.deepEqual(statuses, Array(VANISHED).fill(201), 'every vanishing offer got its answer');
    await vanishing.close();

    const { sessions: waiting } = await gatewayStatus();
    assert.ok(waiting >= VANISHED, `the vanished offers' sessions wait at the gateway (${waiting})`);

    const started = Date.now();
    const joinMs = await measureJoin(browser, `${gatewayBase}/`, { keepOpen: true, timeoutMs: 90_000 });
    console.log(`viewer behind ${VANISHED} vanished offers: first frame ${joinMs.toFixed(0)} ms after its WHEP answer ` +
      `(${Date.now() - started} ms after opening the page)`);
    const pages = browser.contexts().flatMap((c) => c.pages());
    const sessions = await pages[pages.length - 1].evaluate(() => window.lancastViewer.sessions);
    assert.equal(sessions, 1, 'the viewer played on its first WHEP session');
  }));
