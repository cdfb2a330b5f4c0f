// The admin page's words for delivery and viewers' quality (web-viewer assets/admin-quality.js),
// as pure functions of the bridge's and the gateways' /api/status: the reasons named (the ~260 s
// signature as "no IGMP querier on the VLAN of gateway X?"), a unicast gateway that the bridge runs
// no copy for, relays.max reached. No browser, no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alerts, deliveryText, otherRelays, qualityCells, reasonText, relayFor, relaysOf, relayText } from
  '../../web-viewer/src/main/resources/web/assets/admin-quality.js';

const NOW = Date.parse('2026-12-08T10:10:00Z');
const since = (s) => new Date(NOW - s * 1000).toISOString();

test('each reason is said in words; the no-querier signature names the gateway', () => {
  assert.equal(reasonText('querier_suspect', 'gw-b'),
    'multicast stopped about 260 s after the join: no IGMP querier on the VLAN of gateway gw-b?');
  assert.match(reasonText('start_timeout', 'gw-b'), /^multicast never arrived: no route into this subnet/);
  assert.match(reasonText('lost', 'gw-b'), /^multicast stopped arriving mid-stream/);
  assert.equal(reasonText(null, 'gw-b'), '');
});

test('delivery: multicast, unicast since when and why, returning, unicast with no copy at the bridge', () => {
  const relay = { stream: 'main', gateway: '198.18.2.2:10002', reason: 'lost', since: since(30) };
  assert.deepEqual(deliveryText({ mode: 'multicast', since: since(600), reason: null, fallbacks: 0 }, 'gw-b', { now: NOW }),
    { text: 'multicast', detail: '', level: 'ok' });
  const back = deliveryText({ mode: 'multicast', since: since(90), reason: null, fallbacks: 2 }, 'gw-b', { now: NOW });
  assert.match(back.detail, /^back on multicast since \d\d:\d\d:\d\d \(90 s\); 2 fallback\(s\) so far$/);
  const unicast = deliveryText({ mode: 'unicast', since: since(250), reason: 'querier_suspect', fallbacks: 1 }, 'gw-b',
    { relay, now: NOW });
  assert.match(unicast.text, /^unicast since \d\d:\d\d:\d\d \(4 min\)$/);
  assert.equal(unicast.detail, 'multicast stopped about 260 s after the join: no IGMP querier on the VLAN of gateway gw-b?');
  assert.equal(unicast.level, 'warn');
  const refused = deliveryText({ mode: 'unicast', since: since(20), reason: 'start_timeout', fallbacks: 1 }, 'gw-c',
    { relay: null, now: NOW });
  assert.equal(refused.level, 'bad');
  assert.match(refused.text, /^waiting for a unicast copy since \d\d:\d\d:\d\d \(20 s\)$/);
  assert.match(refused.detail, /^the bridge runs no copy for it \(relays\.max reached\?\); multicast never arrived/);
  const fresh = deliveryText({ mode: 'unicast', since: since(3), reason: 'lost', fallbacks: 1 }, 'gw-c', { relay: null, now: NOW });
  assert.equal(fresh.level, 'warn', 'a fallback of 3 s ago may not be in the bridge\'s list yet');
  assert.equal(deliveryText({ mode: 'unicast', since: since(60), reason: 'lost', fallbacks: 1 }, 'gw-c',
    { relay: undefined, now: NOW }).level, 'warn', 'unknown whether the bridge runs a copy: not said');
  assert.equal(deliveryText({ mode: 'returning', since: since(3), reason: 'lost', fallbacks: 1 }, 'gw-b', { now: NOW }).text,
    'returning to multicast');
});

test('a relay is found by the gateway URL\'s host and the stream', () => {
  const relays = [{ stream: 'main', gateway: '198.18.2.2:10002' }, { stream: 'main', gateway: '[fd00::2]:10002' }];
  assert.equal(relayFor(relays, 'http://198.18.2.2:8081/', 'main'), relays[0]);
  assert.equal(relayFor(relays, 'http://[fd00::2]:8081/', 'main'), relays[1]);
  assert.equal(relayFor(relays, 'http://198.18.2.2:8081/', 'other'), null);
  assert.equal(relayFor(relays, 'not a url', 'main'), undefined);
  assert.equal(relayFor(relays, 'http://gw-b.local:8081/', 'main'), undefined, 'a name cannot be matched to an address');
  assert.deepEqual(relaysOf(relays, 'http://198.18.2.2:8081/'), [relays[0]]);
  assert.deepEqual(relaysOf(relays, 'http://gw-b.local:8081/'), []);
  assert.deepEqual(otherRelays(relays, [{ url: 'http://198.18.2.2:8081/' }, { url: 'http://gw-c.local:8081/' }]), [relays[1]],
    'a relay no gateway URL names is listed on its own');
  assert.match(relayText({ stream: 'main', gateway: '198.18.2.2:10002', reason: 'querier_suspect', since: since(5) }),
    /^main since \d\d:\d\d:\d\d \(querier_suspect\)$/);
});

test('viewers\' figures: freezes per viewer-minute once a minute is covered, stall, join percentiles, loss', () => {
  const cells = qualityCells({ windowSeconds: 300, reporting: 3, viewerMinutes: 12.5, freezes: 9, freezeSeconds: 6.3,
    freezesPerViewerMinute: 0.72, longestStallMs: 1530, joins: 4, joinP50Ms: 240, joinP95Ms: 610, lossPercent: 0.25 });
  assert.deepEqual({ ...cells, level: undefined }, { reporting: '3', freezes: '9 (6.3 s) in 12.5 viewer-min: 0.72/viewer-min',
    stall: '1530 ms', join: '240 / 610 ms (4)', loss: '0.25 %', level: undefined });
  assert.deepEqual(cells.level, { freezes: 'bad', stall: 'warn', join: '', loss: '' });
  const none = qualityCells({ windowSeconds: 300, reporting: 0, viewerMinutes: 0, freezes: 0, freezeSeconds: 0,
    freezesPerViewerMinute: null, longestStallMs: null, joins: 0, joinP50Ms: null, joinP95Ms: null, lossPercent: null });
  assert.deepEqual([none.freezes, none.stall, none.join, none.loss], ['–', '–', '–', '–']);
  assert.equal(qualityCells(undefined).reporting, '–', 'a gateway of a version without the reports');
});

test('alerts: relays.max reached, and each stream not on multicast with its reason', () => {
  const gateways = [{ name: 'gw-b', subnet: '198.18.2.0/24', url: 'http://198.18.2.2:8081/' },
    { name: 'gw-c', subnet: '198.18.3.0/24', url: 'http://198.18.3.2:8081/' }];
  const statuses = new Map([
    ['gw-b', { streams: [{ name: 'main', delivery: { mode: 'unicast', since: since(10), reason: 'lost', fallbacks: 1 } }] }],
    ['gw-c', { streams: [{ name: 'main', delivery: { mode: 'unicast', since: since(20), reason: 'lost', fallbacks: 1 } }] }],
  ]);
  const bridge = { relays: [{ stream: 'main', gateway: '198.18.2.2:10002', reason: 'lost', since: since(9) }],
    relaysRefused: 3, relaysMax: 1 };
  const lines = alerts(bridge, gateways, statuses, { now: NOW, refusedGrewAt: NOW - 5000 });
  assert.equal(lines.length, 3);
  assert.equal(lines[0].level, 'bad');
  assert.match(lines[0].text, /^relays\.max \(1\) reached: the bridge refused 3 request\(s\) for a unicast copy since it started, the last within a minute; 1 copy runs\./);
  assert.match(lines[1].text, /^gw-b \(198\.18\.2\.0\/24\), stream main: unicast since .*; multicast stopped arriving mid-stream/);
  assert.equal(lines[1].level, 'warn');
  assert.match(lines[2].text, /^gw-c \(198\.18\.3\.0\/24\), stream main: waiting for a unicast copy since .*relays\.max reached\?/);
  assert.equal(lines[2].level, 'bad');
  assert.deepEqual(alerts({ relays: [], relaysRefused: 0, relaysMax: 16 }, gateways, new Map(), { now: NOW }), [],
    'all on multicast: nothing to say');
});
