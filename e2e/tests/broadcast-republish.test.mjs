// Issues 13 (item 3) and 15: the broadcast page keeps a broadcast going by itself. The bridge is
// stopped while the page is live: the page says it is reconnecting and tries again with backoff;
// the bridge starts again on the same config: the page publishes again without anyone touching
// it. A second broadcaster then takes over: the first page says so and does not push it off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LANCAST, bridgeHttpYaml, broadcastFromBrowser, LOOPBACK_GATEWAY, waitFor, withFixture,
} from '../lib/harness.mjs';

const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

const WHIP_TOKEN = 'whip-token-republish-0123';

test('the broadcast page publishes again by itself when the bridge comes back, and yields to a takeover', { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-republish-'));
    const base = 20000 + 10 * rnd(0, 3000);
    const group = `239.255.${rnd(1, 250)}.${rnd(1, 250)}`;
    const bridgeFile = join(dir, 'bridge.yaml');
    writeFileSync(bridgeFile, `${bridgeHttpYaml(base, base + 8, dir)}
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
discovery: { mdns: false }
keys: { gatewayTokens: { ${LOOPBACK_GATEWAY}: ${randomBytes(16).toString('hex')} } }
streams:
  - name: main
    tokens: [${WHIP_TOKEN}]
    video: { group: ${group}, port: ${base + 4} }
    audio: { group: ${group}, port: ${base + 6} }
`);
    const startBridge = async (name) => {
      const bridge = fx.process(name, LANCAST, ['bridge', '--config', bridgeFile]);
      await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
      return bridge;
    };
    let bridge = await startBridge('bridge');
    const browser = await fx.browser();
    const { page, errors } = await broadcastFromBrowser(browser, `http://127.0.0.1:${base}/broadcast`, WHIP_TOKEN);
    const seen = () => page.evaluate(() => ({
      state: window.lancastBroadcast.state,
      status: document.getElementById('status').textContent,
      badge: document.getElementById('live-badge').textContent,
      publishes: window.lancastBroadcast.publishes,
    }));
    assert.equal((await seen()).publishes, 1);

    await bridge.stop();
    const away = await waitFor(seen, {
      until: (s) => s.state === 'reconnecting' && /publishing again/.test(s.status),
      timeoutMs: 60_000,
      what: 'the page to say it is reconnecting',
    });
    console.log(`bridge stopped; the page says: ${away.status}`);
    assert.equal(away.badge, 'reconnecting');
    // Several tries while the bridge is away, each said on the status line.
    await waitFor(seen, {
      until: (s) => /attempt [3-9]|does not answer/.test(s.status),
      timeoutMs: 30_000,
      what: 'the page to keep trying',
    });

    bridge = await startBridge('bridge-again');
    const restartedAt = Date.now();
    const back = await waitFor(seen, {
      until: (s) => s.state === 'live' && s.publishes === 2,
      timeoutMs: 60_000,
      what: 'the page to publish again by itself',
    });
    console.log(`live again ${Date.now() - restartedAt} ms after the bridge was ready: ${back.status}`);
    const status = await (await fetch(`http://127.0.0.1:${base}/api/status`)).json();
    assert.equal(status.streams[0].live, true, 'the restarted bridge has the broadcaster');
    await waitFor(async () => (await (await fetch(`http://127.0.0.1:${base}/api/status`)).json()).streams[0].receiveBitrateBps, {
      until: (bps) => bps > 0, timeoutMs: 20_000, what: 'media to reach the restarted bridge',
    });

    // Another broadcaster takes the stream over: the first page yields instead of fighting back.
    const second = await broadcastFromBrowser(browser, `http://127.0.0.1:${base}/broadcast`, WHIP_TOKEN);
    const yielded = await waitFor(seen, {
      until: (s) => s.state === 'replaced',
      timeoutMs: 30_000,
      what: 'the first page to say another broadcaster took over',
    });
    assert.match(yielded.status, /another broadcaster is live on main/);
    await sleep(5000);
    assert.equal((await seen()).state, 'replaced', 'the first page stays off');
    assert.equal(await second.page.evaluate(() => window.lancastBroadcast.state), 'live', 'the second stays live');
    assert.equal(await second.page.evaluate(() => window.lancastBroadcast.publishes), 1, 'and was never pushed off');
    assert.deepEqual(errors.filter((e) => e.startsWith('pageerror')), [], 'no uncaught errors in the broadcast page');
  }));
