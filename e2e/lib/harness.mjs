// Test harness for lancast's browser end-to-end tests: starts `lancast demo` and `lancast send`
// on private ports, drives Debian's Chromium through playwright-core, and reads WebRTC stats
// from our pages. Everything it starts is stopped by its owner, and by an exit hook as a last resort.
import { spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LANCAST = process.env.LANCAST_BIN || resolve(REPO_ROOT, 'lancast');
export const CHROMIUM = process.env.LANCAST_CHROMIUM || '/usr/bin/chromium';

const DEMO_READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;
const OUTPUT_LIMIT = 1 << 20;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

// Process groups still running; killed if the test process exits without stopping them.
const running = new Set();
process.once('exit', () => {
  for (const pid of running) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

/** Starts `lancast demo` on free ports and resolves once it has printed its URLs. */
export async function startDemo({ testPattern = false, token = 'e2e-token-0123456789', readyTimeoutMs = DEMO_READY_TIMEOUT_MS, extraArgs = [] } = {}) {
  const [bridgePort, gatewayPort] = await freeTcpPorts(2);
  const udpPortBase = 20000 + 2 * randomInt(0, 19_900); // even, 20000..59800
  const group = `239.255.${randomInt(1, 254)}.${randomInt(1, 254)}`;
  const args = ['demo',
    '--bridge-port', String(bridgePort),
    '--gateway-port', String(gatewayPort),
    '--udp-port-base', String(udpPortBase),
    '--group', group,
    '--token', token];
  if (!testPattern) args.push('--no-test-pattern');
  args.push(...extraArgs);

  const proc = startProcess('demo', LANCAST, args);
  let ready;
  try {
    ready = await proc.waitForOutput(parseDemoBanner, readyTimeoutMs);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    ...ready,
    bridgeBase: new URL(ready.broadcastUrl).origin,
    gatewayBase: new URL(ready.viewerUrl).origin,
    udpPortBase,
    group,
    output: proc.output,
    stop: proc.stop,
  };
}

/** The name a gateway on lo has by default (gw- and lo's address): its token is bound to it. */
export const LOOPBACK_GATEWAY = 'gw-127-0-0-1';

/**
 * A bridge's `http:` line for a test on loopback: plain HTTP on `port`, and HTTPS (where gateways
 * get keys and register) on `tlsPort` with a certificate made on first start and kept in `dir`.
 */
export function bridgeHttpYaml(port, tlsPort, dir) {
  return `http: { listen: 127.0.0.1:${port}, tls: { listen: 127.0.0.1:${tlsPort}, selfSigned: true, `
    + `certificate: ${dir}/bridge-cert.pem, privateKey: ${dir}/bridge-key.pem } }`;
}

/**
 * GET over HTTPS from a test, trusting whatever certificate the server shows (a test's own bridge,
 * whose certificate it made itself); resolves to { status, body, fingerprint }.
 */
export function httpsGet(url, headers = {}) {
  return new Promise((resolveGet, reject) => {
    const req = httpsRequest(url, { headers, rejectUnauthorized: false, agent: false }, (res) => {
      const fingerprint = res.socket?.getPeerCertificate?.()?.fingerprint256;
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolveGet({ status: res.statusCode, body, fingerprint }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Parses the banner of `lancast demo`; null until every line has been printed. */
export function parseDemoBanner(text) {
  if (!text.includes('lancast demo is running')) return null;
  const field = (label) => text.match(new RegExp(`^\\s*${label}:\\s+(\\S+)\\s*$`, 'm'))?.[1];
  const banner = {
    viewerUrl: field('viewer'),
    broadcastUrl: field('broadcast'),
    whipUrl: field('WHIP'),
    whepUrl: field('WHEP'),
    token: field('token'),
  };
  if (!Object.values(banner).every(Boolean)) return null;
  return { ...banner, portalUrl: field('portal') };
}

/** Starts `lancast send` publishing its test pattern to `whipUrl`. */
export function startSender(whipUrl, token) {
  const proc = startProcess('send', LANCAST, ['send', '--whip', whipUrl, '--token', token]);
  return { output: proc.output, exited: proc.exited, stop: proc.stop };
}

export function startProcess(name, command, args) {
  let output = '';
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() reaches the JVM behind a launcher script
  });
  if (child.pid !== undefined) running.add(child.pid);
  const append = (chunk) => {
    output += chunk;
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT / 2);
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);

  const exited = new Promise((resolveExit) => {
    child.once('error', (err) => {
      append(`\n[${name}: could not start ${command}: ${err.message}]\n`);
      resolveExit({ code: null, signal: null, error: err });
    });
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  let isRunning = true;
  exited.then(() => { isRunning = false; });

  const signalGroup = (signal) => {
    try { process.kill(-child.pid, signal); } catch { /* already gone */ }
  };
  const groupAlive = () => {
    try { process.kill(-child.pid, 0); return true; } catch { return false; }
  };

  // Waits for the whole process group, not only the leader: a launcher script may leave its JVM.
  async function stop() {
    if (child.pid === undefined) return exited;
    signalGroup('SIGINT');
    const deadline = Date.now() + STOP_GRACE_MS;
    while (groupAlive() && Date.now() < deadline) await sleep(100);
    if (groupAlive()) {
      append(`\n[${name}: still running ${STOP_GRACE_MS} ms after SIGINT, sending SIGKILL]\n`);
      signalGroup('SIGKILL');
      await exited;
    }
    running.delete(child.pid);
    return exited;
  }

  async function waitForOutput(parse, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = parse(output);
      if (found) return found;
      if (!isRunning) {
        const { code, signal } = await exited;
        throw new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready; ` +
          `output:\n${output}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${name} was not ready after ${timeoutMs} ms; output:\n${output}`);
      }
      await sleep(100);
    }
  }

  return { child, exited, stop, waitForOutput, output: () => output };
}

/**
 * Launches headless Debian Chromium with fake camera/microphone and loopback WebRTC allowed;
 * `args` adds flags (e.g. a pinned certificate) to CHROMIUM_ARGS.
 */
export function launchChromium({ executablePath = CHROMIUM, args = [] } = {}) {
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...args] });
}

/**
 * Runs `body(fixture)` and then stops every process and browser the fixture started, also when
 * the body fails or overruns `timeoutMs`; on failure the processes' output is printed.
 * Use inside a node:test test with a larger timeout than `timeoutMs`.
 */
export async function withFixture({ timeoutMs = 110_000 } = {}, body) {
  const owned = [];
  const logs = [];
  const fixture = {
    async demo(options) {
      const demo = await startDemo(options);
      owned.push(demo.stop);
      logs.push(['demo', demo.output]);
      return demo;
    },
    sender(whipUrl, token) {
      const sender = startSender(whipUrl, token);
      owned.push(sender.stop);
      logs.push(['send', sender.output]);
      return sender;
    },
    /** Runs any command as an owned process (stopped at the end, output printed on failure). */
    process(name, command, args) {
      const proc = startProcess(name, command, args);
      owned.push(proc.stop);
      logs.push([name, proc.output]);
      return proc;
    },
    /** Registers extra cleanup, run with the rest (last registered runs first). */
    defer(stop) {
      owned.push(stop);
    },
    async browser(options) {
      const browser = await launchChromium(options);
      owned.push(() => browser.close());
      return browser;
    },
  };
  let timer;
  const overrun = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test overran its ${timeoutMs} ms budget`)), timeoutMs);
  });
  try {
    return await Promise.race([body(fixture), overrun]);
  } catch (err) {
    for (const [name, output] of logs) {
      console.log(`----- ${name} output -----\n${output()}\n----- end of ${name} output -----`);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    // Browsers first, so viewers end their sessions while the servers are still up.
    for (const stop of owned.reverse()) {
      try { await stop(); } catch (err) { console.log(`cleanup: ${err.message}`); }
    }
  }
}

/** Opens `url` in a fresh browser context; page errors and console errors are collected. */
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  return { page, context, errors, close: () => context.close() };
}

/** Opens our viewer page (one context per viewer, as separate users would be). */
export function openViewer(browser, viewerUrl) {
  return openPage(browser, viewerUrl);
}

/** Opens our broadcast page, goes live with `token` and waits for the WebRTC connection. */
export async function broadcastFromBrowser(browser, broadcastUrl, token, { timeoutMs = 30_000 } = {}) {
  const broadcaster = await openPage(browser, broadcastUrl);
  const { page } = broadcaster;
  await page.fill('#token', token);
  await page.click('#golive');
  await waitFor(() => page.evaluate(() => ({
    connectionState: window.lancastBroadcast.pc?.connectionState ?? 'no pc',
    state: window.lancastBroadcast.state,
    status: document.getElementById('status').textContent,
  })), {
    until: (s) => s.connectionState === 'connected',
    timeoutMs,
    what: 'the broadcast page to connect',
  });
  return broadcaster;
}

/** Video receive counters of the viewer page's current session (zeros before media arrives). */
export function videoStats(page) {
  return page.evaluate(async () => {
    const result = { framesDecoded: 0, framesReceived: 0, packetsReceived: 0, packetsLost: 0, frameWidth: 0 };
    const pc = window.lancastViewer?.pc;
    if (!pc) return result;
    for (const s of (await pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        for (const key of Object.keys(result)) result[key] = s[key] ?? 0;
      }
    }
    return result;
  });
}

/** Audio receive counters of the viewer page's current session (zeros before media arrives). */
export function audioStats(page) {
  return page.evaluate(async () => {
    const result = { packetsReceived: 0, totalSamplesReceived: 0, packetsLost: 0 };
    const pc = window.lancastViewer?.pc;
    if (!pc) return result;
    for (const s of (await pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        for (const key of Object.keys(result)) result[key] = s[key] ?? 0;
      }
    }
    return result;
  });
}

/**
 * Polls `fn` until `until(value)` holds and returns that value; on timeout fails with the last
 * value (or error) seen, so a failure shows how far things got.
 */
export async function waitFor(fn, { timeoutMs = 30_000, intervalMs = 250, what = 'condition', until = Boolean } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await fn();
      if (until(value)) return value;
      last = JSON.stringify(value);
    } catch (err) {
      last = `error: ${err.message}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${last}`);
    }
    await sleep(intervalMs);
  }
}

/** Waits until the viewer on `page` has decoded more than `frames` video frames and heard audio. */
export async function waitForMedia(page, { frames = 30, timeoutMs = 45_000, label = 'viewer' } = {}) {
  const video = await waitFor(() => videoStats(page), {
    until: (s) => s.framesDecoded > frames,
    timeoutMs,
    what: `${label} to decode more than ${frames} video frames`,
  });
  const audio = await waitFor(() => audioStats(page), {
    until: (s) => s.totalSamplesReceived > 0,
    timeoutMs,
    what: `${label} to receive audio samples`,
  });
  return { video, audio };
}

/** Fails unless audio keeps arriving: totalSamplesReceived grows within `timeoutMs`. */
export async function expectAudioGrowing(page, { timeoutMs = 5_000, label = 'viewer' } = {}) {
  const before = (await audioStats(page)).totalSamplesReceived;
  return waitFor(() => audioStats(page), {
    until: (s) => s.totalSamplesReceived > before,
    timeoutMs,
    what: `${label}'s audio samples to grow past ${before}`,
  });
}

/** Fails unless video frames keep being decoded for `durationMs`, checked once a second. */
export async function expectVideoGrowing(page, { durationMs = 3_000, label = 'viewer' } = {}) {
  let previous = (await videoStats(page)).framesDecoded;
  for (let waited = 0; waited < durationMs; waited += 1000) {
    const current = await waitFor(() => videoStats(page), {
      until: (s) => s.framesDecoded > previous,
      timeoutMs: 2_000,
      intervalMs: 100,
      what: `${label} to keep decoding frames (had ${previous})`,
    });
    previous = current.framesDecoded;
    await sleep(1000);
  }
  return previous;
}

function freeTcpPorts(count) {
  // Hold every socket open until all are chosen so the ports differ.
  const servers = [];
  const listenOne = () => new Promise((resolvePort, reject) => {
    const server = createServer();
    servers.push(server);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePort(server.address().port));
  });
  const ports = Array.from({ length: count }, listenOne);
  return Promise.all(ports).finally(() => Promise.all(
    servers.map((s) => new Promise((done) => s.close(() => done())))));
}

function randomInt(min, max) {
  return min + Math.floor(Math.random() * (max - min + 1));
}

// Times, inside the page, the gap between the WHEP answer (sessions becomes 1) and the first
// decoded frame; measuring in the page keeps the test's round trips out of the figure.
export async function measureJoin(browser, viewerUrl, { keepOpen = false, timeoutMs = 20_000 } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    const join = { answeredAt: null, firstFrameAt: null };
    window.lancastJoin = join;
    const pause = (ms) => new Promise((done) => setTimeout(done, ms));
    (async () => {
      while (!(window.lancastViewer?.sessions >= 1)) await pause(5);
      join.answeredAt = performance.now();
      for (;;) {
        const stats = await window.lancastViewer.pc?.getStats();
        for (const s of stats?.values() ?? []) {
          if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) {
            join.firstFrameAt = performance.now();
            return;
          }
        }
        await pause(50);
      }
    })();
  });
  await page.goto(viewerUrl);
  const join = await waitFor(() => page.evaluate(() => window.lancastJoin), {
    until: (j) => j?.firstFrameAt != null,
    timeoutMs,
    what: 'the joining viewer to decode its first frame',
  });
  if (!keepOpen) await context.close();
  return join.firstFrameAt - join.answeredAt;
}
