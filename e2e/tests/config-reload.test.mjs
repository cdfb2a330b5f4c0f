// Issue 5: the bridge applies a changed config without a restart. With a viewer playing stream
// "a", the file gains stream "b" and moves "a" to a new group; "a" plays on, "b" becomes playable.
// A broken file is rejected and changes nothing; SIGHUP reloads too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, renameSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LANCAST, LOOPBACK_GATEWAY, bridgeHttpYaml, openViewer, videoStats, waitFor, waitForMedia, withFixture,
} from '../lib/harness.mjs';
import { watchFreezes } from '../lib/lan.mjs';

const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

test('a config reload adds a stream and moves another without dropping its viewer', { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-reload-'));
    const base = 20000 + 10 * rnd(0, 3000);
    const [httpB, httpG] = [base, base + 1];
    const group = (n) => `239.255.${rnd(1, 250)}.${n}`;
    const gatewayToken = randomBytes(16).toString('hex');
    const bridgeFile = join(dir, 'bridge.yaml');
    const stream = (name, g, port) => `  - name: ${name}
    tokens: [whip-token-${name}-0123456789]
    video: { group: ${g}, port: ${port} }
    audio: { group: ${g}, port: ${port + 2} }
`;
    const bridgeYaml = (streams) => `${bridgeHttpYaml(httpB, base + 8, dir)}
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
keys: { gatewayTokens: { ${LOOPBACK_GATEWAY}: ${gatewayToken} } }
admin: { loopback: true }
streams:
${streams}`;
    const write = (file, text) => { writeFileSync(`${file}.new`, text); renameSync(`${file}.new`, file); };
    write(bridgeFile, bridgeYaml(stream('a', group(1), base + 4)));
    const gatewayFile = join(dir, 'gateway.yaml');
    write(gatewayFile, `http: { listen: 127.0.0.1:${httpG} }
media: { listen: 127.0.0.1:${base + 5} }
bridgeUrl: https://127.0.0.1:${base + 8}
bridgeToken: ${gatewayToken}
multicast: { interface: lo }
`);
    const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', bridgeFile]);
    const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', gatewayFile]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
    await gateway.waitForOutput((o) => o.includes('gateway ready'), 90_000);
    const whip = (name) => `http://127.0.0.1:${httpB}/whip/${name}`;
    fx.process('send-a', LANCAST, ['send', '--whip', whip('a'), '--token', 'whip-token-a-0123456789']);

    const browser = await fx.browser();
    const viewerA = await openViewer(browser, `http://127.0.0.1:${httpG}/?stream=a`);
    await waitForMedia(viewerA.page, { frames: 30, timeoutMs: 60_000, label: 'viewer of a' });
    const longestGap = await watchFreezes(viewerA.page);

    // A broken file: rejected with its place named, nothing changes.
    write(bridgeFile, bridgeYaml(stream('a', group(1), base + 4)).replace('tokens:', 'tokns:'));
    await bridge.waitForOutput((o) => o.includes('config reload rejected') && o.includes("unknown key 'tokns'"), 20_000);
    // The admin page shows the last reload's result (its data is open to loopback).
    const lastReload = async () => (await (await fetch(`http://127.0.0.1:${httpB}/api/admin/history`)).json()).now.lastReload;
    const rejected = await lastReload();
    assert.equal(rejected.applied, false);
    assert.match(rejected.message, /unknown key 'tokns'/);

    // The real change: "b" appears, "a" moves to another group.
    const moved = group(2);
    write(bridgeFile, bridgeYaml(stream('a', moved, base + 10) + stream('b', group(3), base + 14)));
    await bridge.waitForOutput((o) => o.includes('stream b added') && o.includes('stream a changed'), 20_000);
    const catalog = await (await fetch(`http://127.0.0.1:${httpB}/api/streams`)).json();
    assert.equal(catalog.streams.find((s) => s.name === 'a').tracks[0].group, moved);
    assert.equal((await lastReload()).applied, true);

    // A keeps playing on its one WHEP session.
    const frames = (await videoStats(viewerA.page)).framesDecoded;
    await waitFor(async () => (await videoStats(viewerA.page)).framesDecoded, {
      until: (f) => f > frames + 60, timeoutMs: 20_000, what: 'stream a to keep decoding after the move',
    });
    const gap = await longestGap();
    assert.ok(gap < 2000, `stream a stalled ${Math.round(gap)} ms`);
    assert.equal(await viewerA.page.evaluate(() => window.lancastViewer.sessions), 1);

    // B is playable.
    fx.process('send-b', LANCAST, ['send', '--whip', whip('b'), '--token', 'whip-token-b-0123456789']);
    const viewerB = await openViewer(browser, `http://127.0.0.1:${httpG}/?stream=b`);
    await waitForMedia(viewerB.page, { frames: 30, timeoutMs: 60_000, label: 'viewer of b' });

    // SIGHUP reloads as well.
    process.kill(bridge.child.pid, 'SIGHUP');
    await bridge.waitForOutput((o) => o.includes('after SIGHUP'), 20_000);
    console.log(`stream a: longest gap ${Math.round(gap)} ms across the reload that moved its group`);
  }));
