// The soak (issue 21): a bridge and two gateways on loopback, a live broadcast (`lancast send`),
// viewers of the load generator (`lancast bench viewers`) joining and leaving on both gateways all
// the time, one Chromium viewer on the portal's page throughout, group keys rotating every minute,
// sequence numbers wrapping (the bridge starts them 200 packets before the wrap), the bridge
// restarted once (at 20 % of the run) and a gateway drained once (at 50 %, then started again;
// the Chromium viewer watches from that gateway and moves). Every sample interval: RSS, heap after a full GC, threads, descriptors and sessions of
// each process, and the join p95 of the load generator's runs. Writes samples.csv, table.md and
// soak.png to the output folder, and exits non-zero when a quantity grows beyond noise
// (trend.mjs) or the Chromium viewer was lost. Bounded: it stops by itself after --minutes.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { LANCAST, launchChromium, startProcess, waitFor } from '../../e2e/lib/harness.mjs';
import { watchPresentedFrames } from '../../e2e/lib/lan.mjs';
import { growth, median, TOLERANCE } from './trend.mjs';

const run = promisify(execFile);
const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'sample-seconds': { type: 'string', default: '60' },
    'rotate-seconds': { type: 'string', default: '60' },
    viewers: { type: 'string', default: '40' },
    'batch-seconds': { type: 'string', default: '60' },
    out: { type: 'string' },
    assert: { type: 'string', default: 'rssMB,heapMB,threads,fds' },
    'no-browser': { type: 'boolean', default: false },
    // A full GC (jcmd GC.run) per process per sample, for the heap after GC; off for a short CI run.
    'no-heap': { type: 'boolean', default: false },
  },
});
const MINUTES = Number(opts.minutes);
if (!(MINUTES > 0 && MINUTES <= 240)) throw new Error('--minutes must be in 1..240');
const SAMPLE_MS = 1000 * Number(opts['sample-seconds']);
const OUT = resolve(opts.out ?? join('bench', 'soak', 'out', new Date().toISOString().replace(/[:.]/g, '-')));
const ASSERTED = opts.assert.split(',').filter(Boolean);
mkdirSync(OUT, { recursive: true });

const owned = [];
const log = (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

function configs() {
  const base = 20000 + 40 * Math.floor(Math.random() * 1000);
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const tokens = { 'gw-a': randomBytes(16).toString('hex'), 'gw-b': randomBytes(16).toString('hex') };
  const whip = randomBytes(12).toString('hex');
  const bridge = join(OUT, 'bridge.yaml');
  // Gateways fetch keys from the bridge's HTTPS port, its certificate kept in OUT.
  writeFileSync(bridge, `http: { listen: 127.0.0.1:${base}, tls: { listen: 127.0.0.1:${base + 4}, selfSigned: true, certificate: ${OUT}/bridge-cert.pem, privateKey: ${OUT}/bridge-key.pem } }
media: { listen: 127.0.0.1:${base + 2} }
feedback: 127.0.0.1:${base + 3}
multicast: { interface: lo }
keys: { gatewayTokens: { gw-a: ${tokens['gw-a']}, gw-b: ${tokens['gw-b']} }, rotateSeconds: ${Number(opts['rotate-seconds'])} }
streams:
  - name: main
    tokens: [${whip}]
    video: { group: ${group}, port: ${base + 30} }
    audio: { group: ${group}, port: ${base + 32} }
discovery: { mdns: false }
`);
  const gateways = ['gw-a', 'gw-b'].map((name, i) => {
    const file = join(OUT, `${name}.yaml`);
    writeFileSync(file, `http: { listen: 127.0.0.1:${base + 10 + 10 * i} }
media: { listen: 127.0.0.1:${base + 11 + 10 * i} }
bridgeUrl: https://127.0.0.1:${base + 4}
bridgeToken: ${tokens[name]}
multicast: { interface: lo }
discovery: { mdns: false, name: ${name} }
drain: { deadlineSeconds: 30 }
limits: { maxSessionsPerAddress: 1000, maxSessions: 1000 }
`);
    return { name, file, url: `http://127.0.0.1:${base + 10 + 10 * i}` };
  });
  return { bridge, bridgeUrl: `http://127.0.0.1:${base}`, whip, gateways };
}

const cfg = configs();
// Every incarnation of every process: { name, proc, pid, url, from, to }.
const processes = [];

async function start(name, args, ready, url, env = {}) {
  const saved = process.env.LANCAST_JAVA_OPTS;
  if (env.LANCAST_JAVA_OPTS != null) process.env.LANCAST_JAVA_OPTS = env.LANCAST_JAVA_OPTS;
  const proc = startProcess(name, LANCAST, args);
  if (env.LANCAST_JAVA_OPTS != null) process.env.LANCAST_JAVA_OPTS = saved ?? '';
  owned.push(proc.stop);
  await proc.waitForOutput((o) => o.includes(ready), 120_000);
  const entry = { name, proc, pid: proc.child.pid, url, incarnation: processes.filter((p) => p.name === name).length };
  processes.push(entry);
  return entry;
}

const startBridge = () => start('bridge', ['bridge', '--config', cfg.bridge], 'bridge ready', cfg.bridgeUrl,
  { LANCAST_JAVA_OPTS: '-Dlancast.test.firstSequenceNumber=65335' });
const startGateway = (g) => start(g.name, ['gateway', '--config', g.file], 'gateway ready', g.url);

function readProc(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (k) => Number(status.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
  return { rssMB: field('VmRSS') / 1024, threads: field('Threads'), fds: readdirSync(`/proc/${pid}/fd`).length };
}

async function metrics(url) {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let heap = 0;
  let sessions = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('jvm_memory_used_bytes{') && line.includes('area="heap"')) heap += Number(line.split(' ').pop());
    if (/^lancast_(gateway|bridge)_sessions(\{| )/.test(line)) sessions += Number(line.split(' ').pop());
  }
  return { heapMB: heap / 2 ** 20, sessions };
}

// The load generator's runs: each a bounded JVM; their join p95 (first packet) by gateway. Three
// warm-up sessions first, so that the run's own cold JVM is not counted as join time.
const joins = [];
async function loadLoop(gateway, until) {
  let n = 0;
  while (Date.now() < until - 20_000) {
    const json = join(OUT, `load-${gateway.name}-${n++}.json`);
    const seconds = Math.max(10, Math.min(Number(opts['batch-seconds']), Math.floor((until - Date.now()) / 1000) - 15));
    try {
      await run(LANCAST, ['bench', 'viewers', '--whep', `${gateway.url}/whep/main`, '--viewers', opts.viewers,
        '--seconds', String(seconds), '--join-rate', '20', '--settle', '2', '--warmup', '3', '--json', json], { timeout: (seconds + 120) * 1000 });
      const report = JSON.parse(readFileSync(json, 'utf8'));
      joins.push({ at: Date.now(), gateway: gateway.name, p95: report.firstPacketMs?.p95, loss: report.lossPercent,
        connected: report.connected, viewers: report.viewers });
    } catch (err) {
      joins.push({ at: Date.now(), gateway: gateway.name, error: String(err.message).split('\n')[0] });
    }
    await sleep(1000 + Math.random() * 4000);
  }
}

async function sample(minute, since) {
  const row = { minute };
  for (const p of processes.filter((q) => q.to == null)) {
    try {
      if (!opts['no-heap']) await run('jcmd', [String(p.pid), 'GC.run'], { timeout: 30_000 });
      const m = await metrics(p.url);
      if (opts['no-heap']) delete m.heapMB;
      Object.assign(row, prefixed(p.name, { ...readProc(p.pid), ...m }));
      row[`${p.name}.incarnation`] = p.incarnation;
    } catch (err) {
      log(`sampling ${p.name} failed: ${err.message.split('\n')[0]}`);
    }
  }
  for (const g of cfg.gateways) {
    const recent = joins.filter((j) => j.gateway === g.name && j.at >= since && j.p95 != null);
    row[`${g.name}.joinP95`] = recent.length ? Math.max(...recent.map((j) => j.p95)) : null;
  }
  return row;
}

function prefixed(name, values) {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${name}.${k}`, v]));
}

async function main() {
  log(`soak for ${MINUTES} min, a sample every ${SAMPLE_MS / 1000} s, output in ${OUT}`);
  await startBridge();
  for (const g of cfg.gateways) await startGateway(g);
  const sender = startProcess('send', LANCAST, ['send', '--whip', `${cfg.bridgeUrl}/whip/main`, '--token', cfg.whip]);
  owned.push(sender.stop);
  await sender.waitForOutput((o) => o.includes('publishing the test clip'), 120_000);
  await waitFor(async () => (await (await fetch(`${cfg.bridgeUrl}/api/gateways`)).json()), {
    until: (list) => list.filter((g) => g.streams.includes('main')).length === 2, timeoutMs: 60_000, what: 'both gateways serving',
  });

  let viewer = null;
  let browser = null;
  if (!opts['no-browser']) {
    browser = await launchChromium();
    owned.push(() => browser.close());
    const page = await (await browser.newContext()).newPage();
    // On the gateway that will drain, so that the drain moves it (and the portal is its way back).
    await page.goto(`${cfg.gateways[1].url}/?stream=main&portal=${encodeURIComponent(cfg.bridgeUrl)}`);
    await waitFor(() => page.evaluate(() => window.lancastViewer?.state), { until: (s) => s === 'playing', timeoutMs: 60_000, what: 'the Chromium viewer to play' });
    viewer = { page, frames: await watchPresentedFrames(page), from: Date.now() };
  }

  // The run's minutes count from here: the processes' start above is bounded by its own timeouts.
  const startedAt = Date.now();
  const endAt = startedAt + MINUTES * 60_000;
  const loads = cfg.gateways.map((g) => loadLoop(g, endAt));
  const events = [
    { at: 0.2, what: 'bridge restart', done: false, run: async () => {
      const old = processes.find((p) => p.name === 'bridge' && p.to == null);
      await old.proc.stop();
      old.to = Date.now();
      await startBridge();
    } },
    { at: 0.5, what: 'drain of gw-b (SIGTERM), then started again', done: false, run: async () => {
      const old = processes.find((p) => p.name === 'gw-b' && p.to == null);
      process.kill(-old.proc.child.pid, 'SIGTERM');
      await old.proc.exited;
      old.to = Date.now();
      await startGateway(cfg.gateways[1]);
    } },
  ];
  const rows = [];
  let lastSampleAt = startedAt;
  while (Date.now() < endAt) {
    const next = lastSampleAt + SAMPLE_MS;
    while (Date.now() < Math.min(next, endAt)) {
      for (const e of events) {
        if (!e.done && Date.now() - startedAt >= e.at * MINUTES * 60_000) {
          e.done = true;
          log(e.what);
          e.startedAt = Date.now();
          await e.run();
          log(`${e.what}: done in ${Date.now() - e.startedAt} ms`);
        }
      }
      await sleep(500);
    }
    const row = await sample(Math.round((Date.now() - startedAt) / 6000) / 10, lastSampleAt);
    lastSampleAt = Date.now();
    rows.push(row);
    log(JSON.stringify(row));
  }
  await Promise.all(loads);
  let viewerReport = null;
  if (viewer) {
    const now = Date.now();
    const gapMs = await viewer.frames.longestGap(viewer.from, now);
    const count = await viewer.page.evaluate(() => window.__presented.count);
    viewerReport = { longestGapMs: gapMs, frames: count, moves: await viewer.page.evaluate(() => window.lancastViewer.moves),
      state: await viewer.page.evaluate(() => window.lancastViewer.state) };
  }
  return { rows, viewerReport, events };
}

function verdicts(rows) {
  const out = [];
  const names = ['bridge', 'gw-a', 'gw-b'];
  for (const name of names) {
    const incarnations = [...new Set(rows.map((r) => r[`${name}.incarnation`]).filter((v) => v != null))];
    for (const inc of incarnations) {
      const mine = rows.filter((r) => r[`${name}.incarnation`] === inc);
      // The first two samples of a process are its warm-up (JIT threads, pools filling).
      const series = mine.slice(2);
      for (const q of ['rssMB', 'heapMB', 'threads', 'fds']) {
        const points = series.map((r) => ({ x: r.minute, y: r[`${name}.${q}`] })).filter((p) => Number.isFinite(p.y));
        if (points.length < 5) continue;
        const tolerance = TOLERANCE[q](median(points.map((p) => p.y)));
        const g = growth(points, tolerance);
        out.push({ process: `${name}#${inc}`, quantity: q, samples: points.length, first: points[0].y, last: points.at(-1).y,
          projected: g.projected, tolerance, growing: g.growing, asserted: ASSERTED.includes(q) });
      }
    }
  }
  return out;
}

function writeOutputs(rows, verdictRows, viewerReport, events) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => !c.endsWith('.incarnation'));
  writeFileSync(join(OUT, 'samples.csv'), [columns.join(','), ...rows.map((r) => columns.map((c) => r[c] ?? '').join(','))].join('\n') + '\n');
  const fmt = (v) => (v == null || Number.isNaN(v) ? '–' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : String(v));
  const procs = ['bridge', 'gw-a', 'gw-b'];
  const head = ['min', ...procs.map((p) => `${p} RSS/heap MB, threads, fds, sessions`), 'join p95 ms (a / b)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = procs.map((p) => (r[`${p}.threads`] == null ? '–'
      : `${fmt(r[`${p}.rssMB`])}/${fmt(r[`${p}.heapMB`])}, ${r[`${p}.threads`]}, ${r[`${p}.fds`]}, ${r[`${p}.sessions`]}`));
    lines.push(`| ${fmt(r.minute)} | ${cells.join(' | ')} | ${fmt(r['gw-a.joinP95'])} / ${fmt(r['gw-b.joinP95'])} |`);
  }
  lines.push('', '| process | quantity | samples | first | last | projected growth | noise tolerance | verdict |', '|---|---|---|---|---|---|---|---|');
  for (const v of verdictRows) {
    lines.push(`| ${v.process} | ${v.quantity} | ${v.samples} | ${fmt(v.first)} | ${fmt(v.last)} | ${fmt(v.projected)} | ${fmt(v.tolerance)} | `
      + `${v.growing ? 'GROWS' : 'flat'}${v.asserted ? '' : ' (not asserted)'} |`);
  }
  lines.push('', `events: ${events.map((e) => `${e.what} at ${Math.round(e.at * 100)} %`).join('; ')}`);
  const failed = joins.filter((j) => j.error).length;
  lines.push(`load generator runs: ${joins.length} (${failed} failed, e.g. cut by the drain or the bridge restart); `
    + `worst loss ${fmt(Math.max(0, ...joins.filter((j) => j.loss != null).map((j) => j.loss)))} %`);
  if (viewerReport) {
    lines.push(`Chromium viewer: ${viewerReport.frames} frames shown, longest pause ${viewerReport.longestGapMs} ms, `
      + `${viewerReport.moves.length} move(s) (${viewerReport.moves.map((m) => m.reason).join('; ')}), state at the end: ${viewerReport.state}`);
  }
  writeFileSync(join(OUT, 'table.md'), lines.join('\n') + '\n');
  plot(columns);
  return lines.join('\n');
}

function plot(columns) {
  const col = (name) => columns.indexOf(name) + 1;
  const panels = [['rssMB', 'RSS (MB)'], ['heapMB', 'heap after GC (MB)'], ['threads', 'threads'], ['fds', 'file descriptors']];
  const script = [`set terminal png size 1400,900`, `set output '${join(OUT, 'soak.png')}'`, `set datafile separator ','`,
    `set multiplot layout 2,2 title 'lancast soak: bridge and gateways'`, `set xlabel 'minute'`, `set key left top`];
  for (const [q, title] of panels) {
    script.push(`set title '${title}'`);
    const series = ['bridge', 'gw-a', 'gw-b'].map((p) => `'${join(OUT, 'samples.csv')}' using ${col('minute')}:${col(`${p}.${q}`)} with linespoints title '${p}'`);
    script.push(`plot ${series.join(', ')}`);
  }
  script.push('unset multiplot');
  writeFileSync(join(OUT, 'soak.gp'), script.join('\n') + '\n');
  try {
    execFile('gnuplot', [join(OUT, 'soak.gp')], () => {});
  } catch { /* no gnuplot: the table and the CSV remain */ }
}

// Ctrl-C (or a CI timeout's SIGTERM) stops everything the soak started before it exits.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    log(`${signal}: stopping`);
    for (const stop of owned.reverse()) {
      try { await stop(); } catch { /* gone */ }
    }
    process.exit(130);
  });
}

let code = 1;
try {
  const { rows, viewerReport, events } = await main();
  const v = verdicts(rows);
  console.log(writeOutputs(rows, v, viewerReport, events));
  const grows = v.filter((x) => x.growing && x.asserted);
  const lost = viewerReport && (viewerReport.state !== 'playing' || viewerReport.frames === 0);
  code = grows.length || lost ? 1 : 0;
  log(code ? `FAILED: ${grows.map((g) => `${g.process} ${g.quantity}`).join(', ')}${lost ? ' viewer lost' : ''}` : 'flat: passed');
  await sleep(500);
} catch (err) {
  console.error(err);
} finally {
  for (const stop of owned.reverse()) {
    try { await stop(); } catch { /* gone */ }
  }
}
process.exit(code);
