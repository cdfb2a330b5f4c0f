// Issue 13: a stream that survives restarts and sequence wraps. (1) The bridge is stopped and
// started again while Chromium plays from a gateway and `lancast send`, then the broadcast page,
// publishes: the publisher publishes again by itself and the viewer plays again on the same WHEP
// session; the recovery times are printed. (2) A gateway started after the video and audio sequence numbers wrapped
// (the bridge starts them near 65535, a test-only setting) plays in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LANCAST, LOOPBACK_GATEWAY, bridgeHttpYaml, broadcastFromBrowser, httpsGet, openViewer, videoStats, waitFor, waitForMedia,
  withFixture,
} from '../lib/harness.mjs';

const WHIP_TOKEN = 'whip-token-continuity-0123';

/** Bridge and gateway configs on loopback, ports from `base`; returns their paths. */
function writeConfigs(base, token) {
  const dir = mkdtempSync(join(tmpdir(), 'lancast-continuity-'));
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.13`;
  // The bridge keeps its certificate in `dir`: a restarted bridge shows the gateway the same one.
  writeFileSync(join(dir, 'bridge.yaml'), `${bridgeHttpYaml(base, base + 8, dir)}
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
keys: { gatewayTokens: { ${LOOPBACK_GATEWAY}: ${token} } }
streams:
  - name: main
    tokens: [${WHIP_TOKEN}]
    video: { group: ${group}, port: ${base + 4} }
    audio: { group: ${group}, port: ${base + 6} }
`);
  writeFileSync(join(dir, 'gateway.yaml'), `http: { listen: 127.0.0.1:${base + 1} }
media: { listen: 127.0.0.1:${base + 5} }
bridgeUrl: https://127.0.0.1:${base + 8}
bridgeToken: ${token}
multicast: { interface: lo }
`);
  return { bridge: join(dir, 'bridge.yaml'), gateway: join(dir, 'gateway.yaml') };
}

const json = async (url, headers = {}) => (await fetch(url, { headers })).json();

/**
 * Stops the bridge under a playing viewer and starts it again on the same config; the publisher
 * (`lancast send`, or the broadcast page in Chromium) must publish again by itself, and the viewer
 * must play again on its one WHEP session. Prints the recovery times.
 */
async function bridgeRestart(fx, publisher) {
  const base = 20000 + 10 * Math.floor(Math.random() * 3000);
  const token = randomBytes(16).toString('hex');
  const configs = writeConfigs(base, token);
  const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', configs.bridge]);
  const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', configs.gateway]);
  await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
  await gateway.waitForOutput((o) => o.includes('gateway ready'), 90_000);
  const browser = await fx.browser();
  let sender;
  let page;
  if (publisher === 'send') {
    sender = fx.process('send', LANCAST, ['send', '--whip', `http://127.0.0.1:${base}/whip/main`, '--token', WHIP_TOKEN]);
  } else {
    ({ page } = await broadcastFromBrowser(browser, `http://127.0.0.1:${base}/broadcast`, WHIP_TOKEN));
  }

  const viewer = await openViewer(browser, `http://127.0.0.1:${base + 1}/`);
  await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });
  const sessions = () => viewer.page.evaluate(() => window.lancastViewer.sessions);
  const sessionsBefore = await sessions();
  const ssrcBefore = (await json(`http://127.0.0.1:${base}/api/streams`)).streams[0].tracks[0].ssrc;

  await bridge.stop();
  const framesAtStop = (await videoStats(viewer.page)).framesDecoded;
  await sleep(1000);
  const again = fx.process('bridge-again', LANCAST, ['bridge', '--config', configs.bridge]);
  await again.waitForOutput((o) => o.includes('bridge ready'), 90_000);
  const bridgeBack = Date.now();
  await waitFor(() => json(`http://127.0.0.1:${base}/api/streams`), {
    until: (c) => c.streams[0].live, timeoutMs: 60_000, what: `the ${publisher} publisher to publish to the new bridge by itself`,
  });
  const mediaBack = Date.now();
  await waitFor(() => videoStats(viewer.page), {
    until: (s) => s.framesDecoded > framesAtStop + 1, timeoutMs: 60_000, intervalMs: 50,
    what: 'the viewer to decode a frame after the restart',
  });
  const firstFrame = Date.now();
  const { framesDecoded } = await waitFor(() => videoStats(viewer.page), {
    until: (s) => s.framesDecoded > framesAtStop + 30, timeoutMs: 60_000, intervalMs: 100,
    what: 'the viewer to decode 30 more frames after the restart',
  });
  const playing = Date.now();
  console.log(`bridge restart (${publisher}): bridge back -> publisher live ${mediaBack - bridgeBack} ms; media back -> ` +
    `first new frame ${firstFrame - mediaBack} ms, -> 30 frames ${playing - mediaBack} ms; bridge back -> first ` +
    `new frame ${firstFrame - bridgeBack} ms; ${framesDecoded} frames in all`);

  assert.equal(await sessions(), sessionsBefore, 'the viewer played on without a new WHEP session');
  assert.equal(await viewer.page.evaluate(() => window.lancastViewer.pc.connectionState), 'connected');
  const ssrcAfter = (await json(`http://127.0.0.1:${base}/api/streams`)).streams[0].tracks[0].ssrc;
  assert.notEqual(ssrcAfter, ssrcBefore, 'a new bridge: new SSRCs upstream, the gateway renumbers');
  if (sender) {
    console.log(sender.output().split('\n').filter((l) => /Republisher|WhipSender/.test(l)).join('\n'));
    assert.match(sender.output(), /publishing to .* again/, 'the sender published again by itself');
  } else {
    assert.equal(await page.evaluate(() => window.lancastBroadcast.state), 'live', 'the page is live again');
    assert.ok(await page.evaluate(() => window.lancastBroadcast.publishes) >= 2, 'the page published again by itself');
  }
  const status = await json(`http://127.0.0.1:${base + 1}/api/status`);
  assert.equal(status.streams[0].multicastDroppedBy.auth_failed, 0);
  await waitFor(() => json(`http://127.0.0.1:${base}/api/status`), {
    until: (s) => s.gateways.length === 1, timeoutMs: 30_000, what: 'the gateway to register with the new bridge',
  });
}

test('a bridge restart: the sender comes back by itself and the viewer plays on its WHEP session', { timeout: 300_000 }, () =>
  withFixture({ timeoutMs: 290_000 }, (fx) => bridgeRestart(fx, 'send')));

test('a bridge restart: the broadcast page comes back by itself and the viewer plays on its WHEP session', { timeout: 300_000 }, () =>
  withFixture({ timeoutMs: 290_000 }, (fx) => bridgeRestart(fx, 'page')));

test('a gateway started after the video and audio sequence numbers wrapped plays', { timeout: 300_000 }, () =>
  withFixture({ timeoutMs: 290_000 }, async (fx) => {
    const base = 20000 + 10 * Math.floor(Math.random() * 3000);
    const token = randomBytes(16).toString('hex');
    const configs = writeConfigs(base, token);
    // Test only: the bridge starts every track's sequence numbers 200 before the wrap.
    const saved = process.env.LANCAST_JAVA_OPTS;
    process.env.LANCAST_JAVA_OPTS = `${saved ?? ''} -Dlancast.test.firstSequenceNumber=65335`.trim();
    let bridge;
    try {
      bridge = fx.process('bridge', LANCAST, ['bridge', '--config', configs.bridge]);
    } finally {
      if (saved === undefined) delete process.env.LANCAST_JAVA_OPTS; else process.env.LANCAST_JAVA_OPTS = saved;
    }
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
    fx.process('send', LANCAST, ['send', '--whip', `http://127.0.0.1:${base}/whip/main`, '--token', WHIP_TOKEN]);
    const keys = async () => JSON.parse((await httpsGet(`https://127.0.0.1:${base + 8}/api/keys`,
      { Authorization: `Bearer ${token}` })).body);
    const indexes = await waitFor(keys, {
      until: (k) => k.indexes.length === 2 && k.indexes.every((i) => i.roc >= 1 && i.seq > 100),
      timeoutMs: 60_000, what: 'both tracks to wrap (ROC 1) at the bridge',
    });
    console.log(`at the gateway's start: ${indexes.indexes.map((i) => `${i.kind} ROC ${i.roc} seq ${i.seq}`).join(', ')}`);

    const browser = await fx.browser();
    const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', configs.gateway]);
    await gateway.waitForOutput((o) => o.includes('gateway ready'), 90_000);
    const ready = Date.now();
    const viewer = await openViewer(browser, `http://127.0.0.1:${base + 1}/`);
    await waitFor(() => videoStats(viewer.page), {
      until: (s) => s.framesDecoded > 0, timeoutMs: 60_000, intervalMs: 50, what: 'the first frame from the late gateway',
    });
    console.log(`late gateway: ready -> viewer's first frame ${Date.now() - ready} ms (page load and WHEP included)`);
    await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });
    const status = await json(`http://127.0.0.1:${base + 1}/api/status`);
    assert.equal(status.streams[0].multicastDroppedBy.auth_failed, 0, 'every packet authenticated');
    assert.ok(status.streams[0].multicastReceived > 100);
  }));
