// Issue 3: a stream with a viewer token. The viewer page without the token says so and asks for
// it; with ?token= in its URL, or the token typed in, it plays. The catalog shows only hashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LANCAST, bridgeHttpYaml, LOOPBACK_GATEWAY, openViewer, waitFor, waitForMedia, withFixture,
} from '../lib/harness.mjs';

const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

test('a stream with a viewer token plays only with the token', { timeout: 240_000 }, () =>
  withFixture({ timeoutMs: 230_000 }, async (fx) => {
    const dir = mkdtempSync(join(tmpdir(), 'lancast-access-'));
    const base = 20000 + 10 * rnd(0, 3000);
    const [httpB, httpG] = [base, base + 1];
    const group = `239.255.${rnd(1, 250)}.${rnd(1, 250)}`;
    const gatewayToken = randomBytes(16).toString('hex');
    const viewerToken = randomBytes(16).toString('hex');
    const bridgeFile = join(dir, 'bridge.yaml');
    writeFileSync(bridgeFile, `${bridgeHttpYaml(httpB, base + 8, dir)}
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
keys: { gatewayTokens: { ${LOOPBACK_GATEWAY}: ${gatewayToken} } }
streams:
  - name: main
    tokens: [whip-token-access-0123]
    video: { group: ${group}, port: ${base + 4} }
    audio: { group: ${group}, port: ${base + 6} }
    viewers:
      tokens: [${viewerToken}]
`);
    const gatewayFile = join(dir, 'gateway.yaml');
    writeFileSync(gatewayFile, `http: { listen: 127.0.0.1:${httpG} }
media: { listen: 127.0.0.1:${base + 5} }
bridgeUrl: https://127.0.0.1:${base + 8}
bridgeToken: ${gatewayToken}
multicast: { interface: lo }
`);
    const bridge = fx.process('bridge', LANCAST, ['bridge', '--config', bridgeFile]);
    const gateway = fx.process('gateway', LANCAST, ['gateway', '--config', gatewayFile]);
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 90_000);
    await gateway.waitForOutput((o) => o.includes('gateway ready'), 90_000);
    const sender = fx.process('send', LANCAST, ['send', '--whip', `http://127.0.0.1:${httpB}/whip/main`, '--token', 'whip-token-access-0123']);
    await sender.waitForOutput((o) => o.includes('publishing the test clip'), 90_000);

    const catalog = await (await fetch(`http://127.0.0.1:${httpB}/api/streams`)).text();
    assert.ok(!catalog.includes(viewerToken), 'the catalog does not show the viewer token');

    const browser = await fx.browser();
    const viewerUrl = `http://127.0.0.1:${httpG}/`;

    // Without the token: a visible message and a place to type it.
    const refused = await openViewer(browser, viewerUrl);
    const state = await waitFor(() => refused.page.evaluate(() => ({
      state: document.getElementById('state').dataset.state,
      text: document.getElementById('state').textContent,
    })), { until: (s) => s.state === 'unauthorized', timeoutMs: 60_000, what: 'the page to say a token is needed' });
    assert.match(state.text, /viewer token needed/);
    assert.ok(await refused.page.isVisible('#token-form'), 'the token form is shown');
    assert.ok(await refused.page.isVisible('#state'));
    assert.equal(await refused.page.evaluate(() => window.lancastViewer.sessions), 0, 'no session without the token');
    await gateway.waitForOutput((o) => o.includes("401 stream 'main' needs a viewer token"), 10_000);

    // With the token in the link's fragment (no server, proxy or log sees it), through the portal.
    const linked = await openViewer(browser, `http://127.0.0.1:${httpB}/watch/main#token=${viewerToken}`);
    await waitForMedia(linked.page, { frames: 30, timeoutMs: 60_000, label: 'viewer with #token=' });
    assert.equal(await linked.page.evaluate(() => window.lancastViewer.state), 'playing');
    assert.ok(!linked.page.url().includes(viewerToken), `the token is out of the address bar: ${linked.page.url()}`);
    // A link made before fragments (printed on a poster): ?token= still plays, and leaves the address bar.
    const legacy = await openViewer(browser, `${viewerUrl}?token=${viewerToken}`);
    await waitForMedia(legacy.page, { frames: 30, timeoutMs: 60_000, label: 'viewer with a legacy ?token=' });
    assert.ok(!legacy.page.url().includes(viewerToken), `the token is out of the address bar: ${legacy.page.url()}`);
    await legacy.close();
    // No request of the pages carried the token in its URL: neither gateway nor bridge logged it.
    assert.ok(!gateway.output().includes(viewerToken) && !bridge.output().includes(viewerToken), 'no log line holds the token');

    // The refused page plays once the token is typed in.
    await refused.page.fill('#token', viewerToken);
    await refused.page.click('#token-form button[type=submit]');
    await waitForMedia(refused.page, { frames: 30, timeoutMs: 60_000, label: 'viewer with a typed token' });
    assert.ok(!(await refused.page.isVisible('#token-form')), 'the form is gone once playing');

    const pageErrors = [...refused.errors, ...linked.errors].filter((e) => e.startsWith('pageerror'));
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the viewer pages');
  }));
