// Issue 23 (item 4): the bridge's admin page shows the layers each gateway receives and how many
// of its viewers are on each. On the layered LAN of lib/layers.mjs (root only), the broadcast page
// in Chromium publishes three simulcast layers; two Chromium viewers on hosts of their own play
// through the one gateway, one of them pinned to the lowest layer with the page's quality picker.
// The admin page, opened in Chromium with an admin token (not loopback), must then say, in the
// gateway's row, each of the three layers with its size, whether the gateway has joined its group
// (as the kernel's /proc/net/igmp of the gateway host has it) and as many viewers on it as viewer
// pages decode its picture size. The words themselves are checked first without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openPage, openViewer, waitFor, withFixture } from '../lib/harness.mjs';
import { netnsUnavailable } from '../lib/netns.mjs';
import { inbound, publishFromBroadcastPage, startLayeredLan } from '../lib/layers.mjs';
import { layersLines, layerText } from '../../web-viewer/src/main/resources/web/assets/admin-layers.js';

test('the layers of a gateway in words: top layer first, joined or not, viewers on each', () => {
  const layers = [
    { rid: 'q', width: 320, height: 180, joined: false, viewers: 0 },
    { rid: 'h', width: 640, height: 360, joined: true, viewers: 1 },
    { rid: 'f', width: 1280, height: 720, joined: true, viewers: 3 },
  ];
  assert.deepEqual(layersLines([{ stream: 'main', layers }]),
    ['main: f 1280x720 joined, 3 viewers · h 640x360 joined, 1 viewer · q 320x180 not joined']);
  assert.equal(layerText({ rid: '0', width: 0, height: 0, joined: true, viewers: 0 }), '0 joined, 0 viewers',
    'no size before the bridge measured one');
  assert.equal(layerText({ rid: 'q', width: 320, height: 180, joined: false, viewers: 2 }), 'q 320x180 not joined, 2 viewers');
  assert.deepEqual(layersLines(undefined), [], 'a gateway that reports no layers');
});

/** The layers the admin page shows for gateway `name`: its lines, and each layer parsed from them. */
function adminLayers(page, name) {
  return page.evaluate((name) => {
    const rows = [...document.querySelectorAll('#gateways tr')].filter((tr) => tr.cells[0].textContent === name);
    const cell = rows[0]?.cells[5];
    const lines = cell ? [...cell.querySelectorAll('div')].map((d) => d.textContent) : [];
    return { state: window.lancastAdmin.state, header: document.querySelector('#gateways')?.closest('table')
      .querySelectorAll('th')[5]?.textContent, lines };
  }, name);
}

const LAYER = /^(\S+) (\d+)x(\d+) (joined|not joined)(?:, (\d+) viewers?)?$/;

function parseLine(line) {
  const [stream, rest] = line.split(/: (.*)/s);
  return { stream, layers: rest.split(' · ').map((text) => {
    const m = text.match(LAYER);
    return m ? { text, rid: m[1], width: Number(m[2]), joined: m[4] === 'joined', viewers: Number(m[5] ?? 0) }
      : { text, bad: true };
  }) };
}

test('the admin page shows the layers the gateway receives and its viewers on each',
  { timeout: 300_000, skip: netnsUnavailable() ?? false },
  () => withFixture({ timeoutMs: 290_000 }, async (fx) => {
    const adminToken = randomBytes(16).toString('hex');
    const lan = await startLayeredLan(fx, { viewers: ['a', 'b'], adminToken });
    const broadcaster = await publishFromBroadcastPage(fx, lan);
    assert.equal(await broadcaster.page.evaluate(() => window.lancastBroadcast.layers), 3, 'the page sends 3 layers');

    const viewers = {};
    for (const name of ['a', 'b']) {
      viewers[name] = await openViewer(await fx.browser({ executablePath: lan.chromiumIn(lan.viewerHosts[name].host) }),
        lan.viewerUrl);
      await waitFor(() => inbound(viewers[name].page), { until: (s) => s.framesDecoded > 10, timeoutMs: 60_000,
        what: `viewer ${name} to decode` });
    }
    // Viewer b picks the lowest layer in its page's picker (which lists the gateway's layers, top
    // first, once its session's layer API answered) and decodes its picture.
    const options = await waitFor(() => viewers.b.page.evaluate(() => [...document.querySelectorAll('#layer-picker option')]
      .map((o) => o.value).filter((v) => v !== '')), { until: (o) => o.length === 3, timeoutMs: 30_000,
      what: 'the picker to offer 3 layers' });
    await viewers.b.page.selectOption('#layer-picker', options.at(-1));
    const lowest = await waitFor(() => inbound(viewers.b.page), { until: (s) => s.frameWidth > 0 && s.frameWidth < 640,
      timeoutMs: 30_000, what: 'viewer b to decode the lowest layer it picked' });
    console.log(`viewer b pinned to ${options.at(-1)}: ${lowest.frameWidth}x${lowest.frameHeight}`);

    // The admin of the LAN opens the bridge's admin page from the publisher's machine: not loopback,
    // so it asks for the token.
    const admin = await openPage(broadcaster.context.browser(), `${lan.bridgeUrl}/admin`);
    await waitFor(() => admin.page.isVisible('#token-form'), { what: 'the admin page to ask for a token' });
    await admin.page.fill('#admin-token', adminToken);
    await admin.page.click('#token-form button[type="submit"]');

    // What the page must say: each layer with as many viewers as viewer pages decode its picture, and
    // joined exactly where the gateway host's kernel has joined a layer's group. Read together (the
    // page refreshes every 5 s, a viewer in Auto may move): wait until they agree.
    let seen;
    const agree = async () => {
      const shown = await adminLayers(admin.page, 'gw');
      const widths = [(await inbound(viewers.a.page)).frameWidth, (await inbound(viewers.b.page)).frameWidth];
      const joinedVideo = lan.joinedGroups().filter((g) => lan.groups.video.includes(g)).length;
      seen = { shown, widths, joinedVideo };
      if (shown.lines.length !== 1) return false;
      const { stream, layers } = parseLine(shown.lines[0]);
      return stream === 'main' && layers.length === 3 && layers.every((l) => !l.bad)
        && layers.every((l) => l.viewers === widths.filter((w) => w === l.width).length)
        && layers.every((l) => l.viewers === 0 || l.joined)
        && layers.filter((l) => l.joined).length === joinedVideo
        && layers[2].width === lowest.frameWidth && layers[2].viewers >= 1;
    };
    await waitFor(agree, { timeoutMs: 60_000, intervalMs: 1000,
      what: 'the admin page to show the 3 layers, the groups joined and the viewers on each' })
      .catch((e) => { throw new Error(`${e.message}; last seen ${JSON.stringify(seen)}`); });
    console.log(`admin page: ${seen.shown.lines[0]} (viewers decode ${seen.widths.join(' and ')} px; `
      + `${seen.joinedVideo} layer groups joined on the gateway host)`);
    assert.equal(seen.shown.header, 'Layers received (viewers on each)');
    assert.match(seen.shown.lines[0],
      /^main: \S+ \d+x\d+ (joined|not joined)(, \d+ viewers?)?( · \S+ \d+x\d+ (joined|not joined)(, \d+ viewers?)?){2}$/);
    assert.deepEqual(admin.errors.filter((e) => e.startsWith('pageerror')), [], 'no script errors in the admin page');
    await broadcaster.close();
  }));
