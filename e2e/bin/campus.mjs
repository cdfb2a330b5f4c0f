// tools/campus: the campus test bed (lib/campus.mjs) for a person at a shell. `up` builds the
// namespaces, starts bridge, gateways and `lancast send` as detached processes (logs in the state
// directory) and returns; the other commands drive the same campus through its state file.
// Run as root. Usage: tools/campus help.
import { openSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHROMIUM_ARGS, REPO_ROOT, videoStats } from '../lib/harness.mjs';
import { chromium } from 'playwright-core';
import { campusUnavailable, createCampus, openCampus, removeByPrefix } from '../lib/campus.mjs';
import { startCampusLancast, statusFrom } from '../lib/campus-lancast.mjs';

const USAGE = `tools/campus COMMAND [options]        (root; namespaces lcc-NAME-*, state in ${tmpdir()}/lancast-campus-NAME)
  up [--ttl 4] [--subnets b,c] [--route b] [--switch b=querier,c=no-querier] [--membership-interval SECONDS]
     [--no-lancast] [--no-sender]     build the campus, start bridge, gateways and a sender; print the addresses
  status                              processes, router counters, switch memberships, what each host received
  down [--all]                        stop everything of this campus and delete its namespaces (--all: every lcc-*,
                                      running e2e campus tests included)
  route SUBNETS|none                  route the stream's group into these subnets (comma-separated) only
  block SUBNET | restore SUBNET       drop / pass again the multicast the router sends into SUBNET
  switch SUBNET flood|querier|no-querier [--membership-interval SECONDS]
  capture SUBNET|HOST [--count 10]    tcpdump of group packets on the router's port into SUBNET, or on HOST
  watch SUBNET [--seconds 10]         headless Chromium in viewer-SUBNET opens the portal; frames decoded per second
  exec HOST -- COMMAND...             run a command in a host (bridge, router, switch, gw-b, viewer-b, ...)
  every command takes --name NAME (default cli) to keep several campuses apart`;

function parse(argv) {
  const opts = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { opts.rest = argv.slice(i + 1); break; }
    if (a.startsWith('--no-')) opts[a.slice(5)] = false;
    else if (a === '--all') opts.all = true;
    else if (a.startsWith('--')) opts[a.slice(2)] = argv[++i];
    else opts._.push(a);
  }
  return opts;
}

const opts = parse(process.argv.slice(2));
const [command, ...args] = opts._;
const name = opts.name ?? 'cli';
const dir = join(tmpdir(), `lancast-campus-${name}`);
const stateFile = join(dir, 'state.json');

function loadState() {
  if (!existsSync(stateFile)) throw new Error(`no campus "${name}" is up (no ${stateFile}); tools/campus up`);
  return JSON.parse(readFileSync(stateFile, 'utf8'));
}
function saveState(state) {
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
}
function seconds(v) {
  return v == null ? undefined : Math.round(Number(v) * 1000);
}
function switchSpecs(text, membershipIntervalMs) {
  const specs = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [s, mode] = part.split('=');
    specs[s] = { mode, membershipIntervalMs };
  }
  return specs;
}

// Processes that outlive this command: their own process group, output to NAME.log.
function detachedSpawner(pids) {
  return (proc, cmd, argv) => {
    const log = join(dir, `${proc}.log`);
    const fd = openSync(log, 'w');
    const child = spawn(cmd, argv, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    pids[proc] = child.pid;
    const output = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    const alive = () => { try { process.kill(child.pid, 0); return true; } catch { return false; } };
    return {
      child, output,
      async waitForOutput(found, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const hit = found(output());
          if (hit) return hit;
          if (!alive() || Date.now() > deadline) throw new Error(`${proc} ${alive() ? 'not ready in time' : 'exited'}; see ${log}`);
          await sleep(200);
        }
      },
      async stop() { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } },
    };
  };
}

async function up() {
  if (existsSync(stateFile)) throw new Error(`campus "${name}" is up already (${stateFile}); tools/campus down first`);
  const leftovers = removeByPrefix(`lcc-${name}-`);
  if (leftovers.length) console.log(`removed leftover namespaces ${leftovers.join(' ')}`);
  mkdirSync(dir, { recursive: true });
  const subnets = (opts.subnets ?? 'b,c').split(',');
  const membershipIntervalMs = seconds(opts['membership-interval']);
  const campus = createCampus({ prefix: `lcc-${name}`, subnets, keepOnExit: true,
    switches: switchSpecs(opts.switch, membershipIntervalMs) });
  const state = { layout: campus.layout, pids: {}, lancast: null };
  try {
    saveState(state);
    if (opts.lancast !== false) {
      const route = opts.route === 'none' ? [] : (opts.route ?? subnets[0]).split(',');
      const l = await startCampusLancast(campus, detachedSpawner(state.pids), {
        ttl: Number(opts.ttl ?? 4), routeTo: route, sender: opts.sender !== false, dir });
      state.lancast = { bridgeUrl: l.bridgeUrl, portalUrl: l.portalUrl, whipUrl: l.whipUrl, token: l.token,
        group: l.group, ttl: l.ttl, gateways: Object.fromEntries(Object.entries(l.gateways).map(([s, g]) => [s, g.url])) };
    }
    saveState(state);
  } catch (err) {
    campus.destroy();
    rmSync(stateFile, { force: true });
    throw err;
  }
  const L = campus.layout;
  console.log(`lancast campus "${name}" is up (multicast routing: ${L.routing === 'nft' ? 'nftables emulation' : 'smcroute'})`);
  for (const s of Object.values(L.subnets)) {
    const hosts = Object.values(L.hosts).filter((h) => h.subnet === s.name).map((h) => `${h.name} ${h.ip}`);
    const routed = L.routes.some((r) => r.to.includes(s.name)) ? ', group routed here' : '';
    console.log(`  subnet ${s.name} ${s.cidr}: ${hosts.join(', ')}, router ${s.routerIp}; switch ${s.switch.mode}${routed}`);
  }
  if (state.lancast) {
    const l = state.lancast;
    console.log(`  portal ${l.portalUrl}  WHIP ${l.whipUrl} (token ${l.token})  group ${l.group}, TTL ${l.ttl}`);
    for (const [s, url] of Object.entries(l.gateways)) console.log(`  gateway ${s}: ${url}/`);
  }
  console.log(`  logs and configs: ${dir}/\n  next: tools/campus watch b | status | block b | down`);
}

async function status() {
  const state = loadState();
  const campus = openCampus(state.layout);
  for (const [proc, pid] of Object.entries(state.pids)) {
    let alive = true;
    try { process.kill(pid, 0); } catch { alive = false; }
    console.log(`${proc.padEnd(8)} pid ${pid} ${alive ? 'running' : 'NOT RUNNING'} (${dir}/${proc}.log)`);
  }
  console.log('router:', JSON.stringify(campus.routerCounters()), 'blocked:', state.layout.blocked.join(',') || 'none');
  for (const s of Object.values(state.layout.subnets)) {
    const members = s.switch.mode === 'flood' ? '(no snooping)' : JSON.stringify(campus.memberships(s.name));
    console.log(`switch ${s.name} ${s.switch.mode}: memberships ${members}`);
  }
  for (const h of Object.values(state.layout.hosts).filter((x) => x.subnet)) {
    console.log(`${h.name.padEnd(10)} ${h.ip.padEnd(15)} group packets received: ${campus.multicastReceived(h.name)}`);
  }
  if (state.lancast) {
    const st = await statusFrom(campus.bridgeHost, state.lancast.bridgeUrl).catch((e) => ({ error: e.message }));
    if (st.error) console.log(`bridge: ${st.error}`);
    for (const s of st.streams ?? []) console.log(`stream ${s.name}: ttl ${s.ttl} ${JSON.stringify(s.multicast)}`);
    for (const g of st.gateways ?? []) console.log(`registered ${g.name} ${g.subnet} streams ${g.streams}`);
  }
}

async function watch(subnet) {
  const state = loadState();
  const campus = openCampus(state.layout);
  const browser = await chromium.launch({ executablePath: campus.chromiumIn(campus.viewer(subnet)), headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(state.lancast.portalUrl);
    let last = 0;
    for (let i = 0; i < Number(opts.seconds ?? 10); i++) {
      await sleep(1000);
      const v = await videoStats(page);
      console.log(`${i + 1}s ${page.url()} frames decoded ${v.framesDecoded} (+${v.framesDecoded - last}) ${v.frameWidth}px`);
      last = v.framesDecoded;
    }
  } finally {
    await browser.close();
  }
}

async function main() {
  const why = campusUnavailable();
  if (why && command !== 'help' && command !== undefined) throw new Error(`tools/campus ${why}`);
  switch (command) {
    case 'up': return up();
    case 'status': return status();
    case 'down': {
      const removed = removeByPrefix(opts.all ? 'lcc-' : `lcc-${name}-`);
      rmSync(stateFile, { force: true });
      return console.log(removed.length ? `removed ${removed.join(' ')}` : 'nothing to remove');
    }
    case 'route': case 'block': case 'restore': case 'switch': {
      const state = loadState();
      const campus = openCampus(state.layout);
      if (command === 'route') campus.routeGroups([state.lancast.group], args[0] === 'none' ? [] : args[0].split(','));
      if (command === 'block') campus.blockMulticast(args[0]);
      if (command === 'restore') campus.restoreMulticast(args[0]);
      if (command === 'switch') campus.setSwitch(args[0], { mode: args[1], membershipIntervalMs: seconds(opts['membership-interval']) });
      saveState(state);
      return console.log(JSON.stringify(campus.routerCounters()));
    }
    case 'capture': {
      const campus = openCampus(loadState().layout);
      const where = campus.subnets[args[0]] ? args[0] : { host: args[0] };
      for (const p of await campus.capture(where, { count: Number(opts.count ?? 10) })) console.log(JSON.stringify(p));
      return undefined;
    }
    case 'watch': return watch(args[0] ?? 'b');
    case 'exec': {
      const campus = openCampus(loadState().layout);
      const child = spawn('ip', ['netns', 'exec', campus.hosts[args[0]].ns, ...(opts.rest ?? [])], { stdio: 'inherit' });
      return new Promise((done) => child.on('exit', (code) => { process.exitCode = code ?? 1; done(); }));
    }
    default: return console.log(USAGE);
  }
}

main().catch((err) => { console.error(`tools/campus: ${err.message}`); process.exitCode = 1; });
