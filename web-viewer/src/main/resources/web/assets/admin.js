// The admin page: the bridge's streams, gateways, multicast groups and last config reload, and
// charts of viewers and bitrate over the last hour (the bridge keeps that history in memory); per
// gateway and stream, how the stream reaches it and what its viewers see (read from the gateway's
// own /api/status, which answers the bridge's origin), and the lines that need attention.
// Loopback clients need no token; from elsewhere the page asks for an admin token (admin.tokens).
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { alerts, deliveryText, otherRelays, qualityCells, relayFor, relaysOf, relayText } from './admin-quality.js';
import { layersLines } from './admin-layers.js';

const TOKEN_KEY = 'lancast.adminToken';
const REFRESH_MS = 5000;
// A gateway not heard from for this long is shown as late (heartbeats come every few seconds).
const LATE_MS = 10_000;
// A gateway's status that takes longer than this is shown as unreachable (the page must not hang on one).
const GATEWAY_TIMEOUT_MS = 3000;

const stateLine = document.getElementById('state');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('admin-token');

let token = sessionStorage.getItem(TOKEN_KEY) || '';
let state = '';
let refreshes = 0;
let previous = null; // the last status, for per-minute rates
const charts = {};
const gatewayStatus = new Map(); // gateway name -> its /api/status, or null when this browser cannot read it
let refusedGrewAt = null; // when relaysRefused last grew, as this page saw it

function setState(next, message) {
  state = next;
  stateLine.dataset.state = next;
  stateLine.textContent = message;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

function formatBitrate(bps) {
  if (bps == null) return '–';
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`;
}

function formatBytes(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

async function refresh() {
  let response;
  try {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    response = await fetch('/api/admin/history', { headers, cache: 'no-store' });
  } catch {
    setState('error', 'the bridge does not answer; trying again');
    return;
  }
  if (response.status === 401 || response.status === 403) {
    const reason = (await response.text()).trim();
    setState(response.status === 401 ? 'unauthorized' : 'forbidden', reason);
    tokenForm.hidden = response.status !== 401;
    return;
  }
  if (!response.ok) {
    setState('error', `HTTP ${response.status}`);
    return;
  }
  const history = await response.json();
  tokenForm.hidden = true;
  await fetchGatewayStatuses(history.now.gateways ?? []);
  if (previous && history.now.relaysRefused > (previous.now.relaysRefused ?? 0)) refusedGrewAt = Date.now();
  refreshes += 1;
  renderAlerts(history.now);
  renderStreams(history.now);
  renderGateways(history.now);
  renderQuality(history.now);
  renderGroups(history.now);
  renderReload(history.now);
  renderCharts(history.samples);
  previous = { at: Date.now(), now: history.now };
  setState('live', `updated ${new Date().toLocaleTimeString()}`);
}

function renderStreams(now) {
  const rows = (now.streams ?? []).map((s) => {
    const before = previous?.now.streams?.find((p) => p.name === s.name);
    const minutes = previous ? (Date.now() - previous.at) / 60_000 : 0;
    const keyframeRate = before && minutes > 0
      ? ((s.keyframeRequestsSent - before.keyframeRequestsSent) / minutes).toFixed(1) : '–';
    return row([
      cell(s.name),
      cell(s.live ? 'live' : 'waiting for a broadcaster', s.live ? 'ok' : 'warn'),
      cell(formatBitrate(s.receiveBitrateBps)),
      cell(formatBitrate(s.maxBitrateBps)),
      cell(String(s.keyId)),
      cell(keyframeRate),
      cell(String(s.upstreamLost)),
      cell(String(s.retransmitted)),
    ]);
  });
  document.getElementById('streams').replaceChildren(...rows);
}

// The feedback reports name a gateway by the address it sends from; its URL names the same host.
function lossOf(gateway, reports) {
  let host;
  try {
    host = new URL(gateway.url).hostname;
  } catch {
    return null;
  }
  const mine = reports.filter((r) => r.gateway.split(':')[0] === host);
  if (mine.length === 0) return null;
  return Math.max(...mine.map((r) => r.fractionLost));
}

// The registry, and the bridge's relays list: the unicast copies it sends, by the gateway they go to.
function renderGateways(now) {
  const relays = now.relays ?? [];
  const gateways = now.gateways ?? [];
  const rows = gateways.map((g) => {
    const age = Date.now() - Date.parse(g.lastSeen);
    const healthy = g.authenticated && age < LATE_MS;
    const health = !g.authenticated ? 'not authenticated' : age < LATE_MS ? `ok (${g.foundBy})`
      : `late: last seen ${Math.round(age / 1000)} s ago`;
    const copies = relaysOf(relays, g.url).map((r) => relayText(r)).join('; ');
    return row([gatewayLink(g), cell(g.subnet), cell(`${g.viewers} / ${g.capacity}`), cell(health, healthy ? 'ok' : 'bad'),
      cell(copies || '–', copies ? 'warn' : undefined), layersCell(g.layers)]);
  });
  for (const r of otherRelays(relays, gateways)) {
    rows.push(row([cell(`at ${r.gateway}`), cell('–'), cell('–'), cell('–'), cell(relayText(r), 'warn'), cell('–')]));
  }
  if (rows.length === 0) {
    rows.push(row([cell('no gateway has registered yet'), cell(''), cell(''), cell(''), cell(''), cell('')]));
  }
  document.getElementById('gateways').replaceChildren(...rows);
}

// The layers the gateway receives, one line per stream (its heartbeat says them; none before it does).
function layersCell(layers) {
  const lines = layersLines(layers);
  const td = cell(lines.length ? '' : '–');
  td.className = 'layers';
  for (const line of lines) {
    const div = document.createElement('div');
    div.textContent = line;
    td.append(div);
  }
  return td;
}

function gatewayLink(g) {
  const name = document.createElement('td');
  const link = document.createElement('a');
  link.href = g.url;
  link.textContent = g.name;
  name.append(link);
  return name;
}

/** A cell of a main line and, under it, a smaller line that says more. */
function twoLines(text, detail, className) {
  const td = cell('', className);
  const main = document.createElement('span');
  main.textContent = text;
  td.append(main);
  if (detail) {
    const more = document.createElement('small');
    more.className = 'detail';
    more.textContent = detail;
    td.append(more);
  }
  return td;
}

// One row per gateway and stream: delivery, loss before and after repair, and what viewers report.
function renderQuality(now) {
  const reports = now.gatewayReports ?? [];
  const relays = now.relays ?? [];
  const rows = [];
  for (const g of now.gateways ?? []) {
    const status = gatewayStatus.get(g.name);
    const loss = lossOf(g, reports);
    const lossCell = () => cell(loss == null ? '–' : `${(loss * 100).toFixed(1)} %`, loss > 0.02 ? 'warn' : undefined);
    if (!status) {
      rows.push(row([gatewayLink(g), cell('–'), cell(`its status does not answer this browser (${new URL(g.url).host})`, 'warn'),
        cell(String(g.viewers)), cell('–'), lossCell(), cell('–'), cell('–'), cell('–'), cell('–')]));
      continue;
    }
    for (const s of status.streams ?? []) {
      const delivery = deliveryText(s.delivery, g.name, { relay: relayFor(relays, g.url, s.name) });
      const q = qualityCells(s.viewerQuality);
      rows.push(row([
        gatewayLink(g),
        cell(s.name),
        twoLines(delivery.text, delivery.detail, delivery.level),
        cell(`${s.viewers ?? 0} (${q.reporting})`),
        cell(`${s.lost ?? 0} / ${s.repaired ?? 0} / ${s.unrecovered ?? 0}`, s.unrecovered > 0 ? 'warn' : undefined),
        lossCell(),
        cell(q.loss, q.level.loss),
        cell(q.freezes, q.level.freezes),
        cell(q.stall, q.level.stall),
        cell(q.join, q.level.join),
      ]));
    }
  }
  if (rows.length === 0) rows.push(row([cell('no gateway has registered yet'), ...Array.from({ length: 9 }, () => cell(''))]));
  document.getElementById('quality').replaceChildren(...rows);
}

function renderAlerts(now) {
  const lines = alerts(now, now.gateways ?? [], gatewayStatus, { refusedGrewAt });
  const list = document.getElementById('alert-list');
  list.replaceChildren(...lines.map((a) => {
    const li = document.createElement('li');
    li.className = a.level;
    li.textContent = a.text;
    return li;
  }));
  document.getElementById('alerts').hidden = lines.length === 0;
}

// Each gateway's own status: delivery per stream, loss and repair on the multicast hop, viewers' reports.
async function fetchGatewayStatuses(gateways) {
  await Promise.all(gateways.map(async (g) => {
    try {
      const response = await fetch(new URL('api/status', g.url), { cache: 'no-store', signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS) });
      gatewayStatus.set(g.name, response.ok ? await response.json() : null);
    } catch {
      gatewayStatus.set(g.name, null);
    }
  }));
  for (const name of [...gatewayStatus.keys()]) {
    if (!gateways.some((g) => g.name === name)) gatewayStatus.delete(name);
  }
}

function renderGroups(now) {
  const rows = (now.streams ?? []).map((s) => row([
    cell(s.name), cell(s.video), cell(s.audio), cell(String(s.ttl)), cell(formatBytes(s.multicastBytesSent)),
  ]));
  document.getElementById('groups').replaceChildren(...rows);
}

function renderReload(now) {
  const line = document.getElementById('reload');
  const reload = now.lastReload;
  if (!reload) {
    line.textContent = 'No config reload since the bridge started.';
    line.className = '';
    return;
  }
  const when = new Date(reload.at).toLocaleString();
  line.textContent = reload.applied ? `Last reload ${when}: applied.`
    : `Last reload ${when}: rejected, the running config stays: ${reload.message}`;
  line.className = reload.applied ? 'ok' : 'bad';
}

const AXIS = { stroke: '#a9b2bf', grid: { stroke: '#3a4350' }, ticks: { stroke: '#3a4350' } };
const COLOURS = ['#5aa9ff', '#3ecf8e', '#f5b94a', '#ff7b7b', '#c39bff', '#4fd1d9'];

function chartWidth(id) {
  return Math.max(280, document.getElementById(id).clientWidth);
}

function renderCharts(samples) {
  const times = samples.map((s) => s.at / 1000);
  const viewers = samples.map((s) => s.viewers);
  const streamNames = [...new Set(samples.flatMap((s) => Object.keys(s.bitrateBps)))].sort();
  const bitrates = streamNames.map((name) => samples.map((s) => (s.bitrateBps[name] == null ? null : s.bitrateBps[name] / 1e6)));
  draw('viewers', 'chart-viewers', [{ label: 'viewers', stroke: COLOURS[0], width: 2 }], [times, viewers], 'Viewers');
  draw('bitrate', 'chart-bitrate',
    streamNames.map((name, i) => ({ label: `${name} (Mbit/s)`, stroke: COLOURS[i % COLOURS.length], width: 2 })),
    [times, ...bitrates], 'Bitrate in');
}

function draw(key, id, series, data, title) {
  const seriesKey = series.map((s) => s.label).join('\n');
  const chart = charts[key];
  if (chart && chart.seriesKey === seriesKey) {
    chart.plot.setData(data);
    chart.points = data[0].length;
    return;
  }
  chart?.plot.destroy();
  const el = document.getElementById(id);
  const plot = new uPlot({
    title,
    width: chartWidth(id),
    height: 200,
    series: [{}, ...series],
    axes: [AXIS, AXIS],
    scales: { x: { time: true } },
  }, data, el);
  charts[key] = { plot, seriesKey, points: data[0].length };
}

window.addEventListener('resize', () => {
  for (const [key, chart] of Object.entries(charts)) {
    chart.plot.setSize({ width: chartWidth(key === 'viewers' ? 'chart-viewers' : 'chart-bitrate'), height: 200 });
  }
});

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  token = tokenInput.value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  refresh();
});

window.lancastAdmin = {
  get state() { return state; },
  get refreshes() { return refreshes; },
  /** How many points each chart draws. */
  get chartPoints() { return Object.fromEntries(Object.entries(charts).map(([k, c]) => [k, c.points])); },
  /** The gateways' statuses the quality table was drawn from (name -> status or null). */
  get gatewayStatus() { return Object.fromEntries(gatewayStatus); },
};

refresh();
setInterval(refresh, REFRESH_MS);
