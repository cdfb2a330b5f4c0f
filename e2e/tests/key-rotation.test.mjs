// Issue 4: the group keys (the stream's and the feedback's) rotate every 10 s during 40 s of playback; the viewer never freezes
// (WebRTC's own freeze count stays put) and no multicast packet is dropped for its key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LANCAST, LOOPBACK_GATEWAY, bridgeHttpYaml, openViewer, waitForMedia, withFixture } from '../lib/harness.mjs';
import { watchFreezes } from '../lib/lan.mjs';

const PLAY_MS = 40_000;

test('key rotation every 10 s does not disturb playback', { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-keys-'));
    const base = 20000 + 10 * Math.floor(Math.random() * 3000);
    const token = randomBytes(16).toString('hex');
    const group = `239.255.${1 + Math.floor(Math.random() * 250)}.7`;
    writeFileSync(join(dir, 'bridge.yaml'), `${bridgeHttpYaml(base, base + 8, dir)}
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
keys: { rotateSeconds: 10, gatewayTokens: { ${LOOPBACK_GATEWAY}: ${token} } }
streams:
  - name: main
    tokens: [whip-token-rotation-0123]
    video: { group: ${group}, port: ${base + 4} }
    audio: { group: ${group}, port: ${base + 6} }
`);
    writeFileSync(join(dir, 'gateway.yaml'), `http: { listen: 127.0.0.1:${base + 1} }
media: { listen: 127.0.0.1:${base + 5} }
bridgeUrl: https://127.0.0.1:${base + 8}
bridgeToken: ${token}
multicast: { interface: lo }
`);
    const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', join(dir, 'bridge.yaml')]);
    const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', join(dir, 'gateway.yaml')]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
    await gateway.waitForOutput((o) => o.includes('gateway ready'), 90_000);
    fx.process('send', LANCAST, ['send', '--whip', `http://127.0.0.1:${base}/whip/main`, '--token', 'whip-token-rotation-0123']);

    const browser = await fx.browser();
    const viewer = await openViewer(browser, `http://127.0.0.1:${base + 1}/`);
    await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });
    const freezes = () => viewer.page.evaluate(async () => {
      for (const s of (await window.lancastViewer.pc.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'video') return { count: s.freezeCount ?? 0, frames: s.framesDecoded };
      }
      return { count: 0, frames: 0 };
    });
    const before = await freezes();
    const longestGap = await watchFreezes(viewer.page);
    const keyBefore = (await (await fetch(`http://127.0.0.1:${base}/api/streams`)).json()).streams[0].keyId;
    await sleep(PLAY_MS);
    const after = await freezes();
    const keyAfter = (await (await fetch(`http://127.0.0.1:${base}/api/streams`)).json()).streams[0].keyId;
    const rotations = (bridge.output().match(/group keys rotated/g) ?? []).length;
    const status = await (await fetch(`http://127.0.0.1:${base + 1}/api/status`)).json();
    const gap = await longestGap();
    console.log(`${rotations} rotations (key ${keyBefore} -> ${keyAfter}) in ${PLAY_MS / 1000} s: ` +
      `${after.frames - before.frames} frames, freezes ${after.count - before.count}, longest gap ${Math.round(gap)} ms, ` +
      `drops ${JSON.stringify(status.streams[0].multicastDroppedBy)}`);
    assert.ok(rotations >= 3, `only ${rotations} rotations`);
    assert.notEqual(keyAfter, keyBefore);
    assert.equal(after.count - before.count, 0, 'WebRTC counted a freeze');
    assert.ok(gap < 500, `a ${Math.round(gap)} ms gap between frames`);
    assert.equal(status.streams[0].multicastDropped, 0, 'packets dropped across rotations');
  }));
