// Issue 5: `mvn package` makes a distributable archive that runs from an empty directory, and a
// Debian package whose systemd units sit where docs/deployment.md says. Issue 22: the package
// ships no config with a token; installing it writes configs with fresh tokens (postinst runs
// `lancast init`), different at each install and found nowhere in the repository; the installed
// units' command lines start the bridge and the gateway from them (here in a network namespace
// of the test's, without systemd), and the gateway gets its keys over HTTPS; purge removes it all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, waitFor, withFixture } from '../lib/harness.mjs';

const target = join(REPO_ROOT, 'launcher', 'target');
const find = (re) => readdirSync(target).find((f) => re.test(f));

test('the archive runs from an empty directory', () => {
  const archive = find(/^lancast-.*-dist\.tar\.gz$/);
  assert.ok(archive, `no archive in ${target}: run mvn package first`);
  const dir = mkdtempSync(join(tmpdir(), 'lancast-dist-'));
  execFileSync('tar', ['-xzf', join(target, archive), '-C', dir]);
  const [top] = readdirSync(dir);
  const run = (...args) => execFileSync(join(dir, top, 'bin', 'lancast'), args, { cwd: dir }).toString();
  assert.match(run('version'), /^lancast \S+/);
  // The examples' tokens are published, so a config copied from them is refused, with its place.
  const examples = spawnSync(join(dir, top, 'bin', 'lancast'), ['config', 'check', '--offline',
    join(dir, top, 'etc', 'bridge.yaml'), join(dir, top, 'etc', 'gateway.yaml')], { cwd: dir, encoding: 'utf8' });
  assert.equal(examples.status, 2, examples.stdout + examples.stderr);
  assert.match(examples.stderr, /bridge\.yaml:\d+:\d+: keys\.gatewayTokens\.gw-building-a: .*is an example published/);
  assert.match(examples.stderr, /gateway\.yaml:\d+:\d+: bridgeToken: .*is an example published/);
  // `lancast init` writes configs that pass.
  const conf = join(dir, 'conf');
  assert.match(run('init', 'bridge', '--dir', conf), /wrote .*bridge\.yaml and .*gateway\.yaml/);
  const checked = run('config', 'check', '--offline', join(conf, 'bridge.yaml'), join(conf, 'gateway.yaml'));
  assert.match(checked, /bridge\.yaml: ok \(bridge/);
  assert.match(checked, /gateway\.yaml: ok \(gateway, bridge https:\/\/127\.0\.0\.1:8443\)/);
  assert.match(run('--help'), /demo[\s\S]*init[\s\S]*bridge[\s\S]*gateway[\s\S]*send[\s\S]*config/);
  // Issue 14: out of memory, the JVM exits rather than living on with dead threads.
  for (const command of [join(dir, top, 'bin', 'lancast'), join(REPO_ROOT, 'lancast')]) {
    const flags = execFileSync(command, ['version'], { cwd: dir, env: { ...process.env, LANCAST_JAVA_OPTS: '-XX:+PrintFlagsFinal' } }).toString();
    assert.match(flags, /\bExitOnOutOfMemoryError\s+= true\b/, `${command} runs java with -XX:+ExitOnOutOfMemoryError`);
  }
});

test('the Debian package holds the units and the command, and no config', () => {
  const deb = find(/^lancast_.*_all\.deb$/);
  assert.ok(deb, `no .deb in ${target}`);
  const listing = execFileSync('dpkg', ['-c', join(target, deb)]).toString();
  for (const path of ['./lib/systemd/system/lancast-bridge.service', './lib/systemd/system/lancast-gateway.service',
    './usr/bin/lancast', './usr/share/lancast/lib/lancast.jar', './usr/share/doc/lancast/examples/bridge.yaml',
    './usr/share/doc/lancast/security.md']) {
    assert.ok(listing.includes(path), `${path} missing from the package:\n${listing}`);
  }
  assert.ok(!listing.includes('./etc/'), `the package ships nothing in /etc (postinst writes it):\n${listing}`);
  const unpacked = mkdtempSync(join(tmpdir(), 'lancast-deb-'));
  execFileSync('dpkg-deb', ['-x', join(target, deb), unpacked]);
  const text = readFileSync(join(unpacked, 'lib/systemd/system/lancast-bridge.service'), 'utf8');
  assert.match(text, /^User=lancast$/m, 'runs as the unprivileged lancast user');
  assert.match(text, /^ExecStart=\/usr\/bin\/lancast bridge --config \/etc\/lancast\/bridge\.yaml$/m);
  assert.match(text, /^Restart=on-failure$/m, 'restarted after an exit on OutOfMemoryError');
  for (const line of ['StateDirectory=lancast', 'ProtectSystem=strict', 'NoNewPrivileges=true', 'CapabilityBoundingSet=',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK AF_UNIX', 'SystemCallFilter=@system-service', 'UMask=0077']) {
    assert.match(text, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), `the unit has ${line}`);
  }
  assert.match(readFileSync(join(unpacked, 'usr/bin/lancast'), 'utf8'), /^exec java -XX:\+ExitOnOutOfMemoryError /m);
});

function dpkgUnavailable() {
  if (process.getuid?.() !== 0) return 'installs the package: needs root';
  for (const tool of ['dpkg', 'ip', 'runuser', 'git']) {
    if (spawnSync('which', [tool]).status !== 0) return `needs ${tool}`;
  }
  if (spawnSync('dpkg-query', ['-W', 'lancast']).status === 0) return 'a lancast package is installed on this machine already';
  return null;
}

const sh = (command, args, options = {}) => execFileSync(command, args, { encoding: 'utf8', ...options });

/** Installs the .deb, returns the 32-hex-digit tokens of the configs it wrote, with checks on them. */
function installAndReadTokens(deb) {
  sh('dpkg', ['-i', deb], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'pipe' });
  const tokens = new Set();
  for (const file of ['/etc/lancast/bridge.yaml', '/etc/lancast/gateway.yaml']) {
    const st = statSync(file);
    assert.equal(st.mode & 0o777, 0o640, `${file} is readable by root and group lancast only`);
    assert.equal(sh('stat', ['-c', '%U:%G', file]).trim(), 'root:lancast');
    for (const m of readFileSync(file, 'utf8').matchAll(/\b[0-9a-f]{32}\b/g)) tokens.add(m[0]);
  }
  const hex = [...tokens];
  assert.equal(hex.length, 4, `four tokens (the gateway's, two admin, WHIP) in ${hex}`);
  for (const t of hex) {
    assert.ok(t.length >= 16);
    // Found nowhere in the repository (tracked files, docs and tests included).
    assert.equal(spawnSync('git', ['-C', REPO_ROOT, 'grep', '-q', '-F', t]).status, 1, `${t} is in the repository`);
  }
  return hex;
}

test('installing the .deb writes fresh tokens, its units start bridge and gateway, and purge removes it all',
  { timeout: 400_000, skip: dpkgUnavailable() ?? false }, () => withFixture({ timeoutMs: 390_000 }, async (fx) => {
    const deb = join(target, find(/^lancast_.*_all\.deb$/));
    fx.defer(() => spawnSync('dpkg', ['--purge', 'lancast'], { stdio: 'ignore' })); // also when something fails
    const first = installAndReadTokens(deb);
    sh('dpkg', ['--purge', 'lancast'], { stdio: 'pipe' });
    assert.ok(!existsSync('/etc/lancast/bridge.yaml') && !existsSync('/var/lib/lancast'), 'purge removed configs and state');
    const second = installAndReadTokens(deb);
    assert.deepEqual(first.filter((t) => second.includes(t)), [], 'two installs share no token');

    // The units' command lines, run as the unit would (user lancast, $STATE_DIRECTORY), in a namespace of our own.
    const ns = `lcpkg${process.pid % 1000}${Math.floor(Math.random() * 1000)}`;
    sh('ip', ['netns', 'add', ns]);
    fx.defer(() => spawnSync('ip', ['netns', 'del', ns]));
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const start = (unit) => {
      const execStart = readFileSync(`/lib/systemd/system/lancast-${unit}.service`, 'utf8').match(/^ExecStart=(.*)$/m)[1];
      const stateDir = readFileSync(`/lib/systemd/system/lancast-${unit}.service`, 'utf8').match(/^StateDirectory=(.*)$/m)[1];
      return fx.process(unit, 'ip', ['netns', 'exec', ns, 'runuser', '-u', 'lancast', '--', 'env',
        `STATE_DIRECTORY=/var/lib/${stateDir}`, ...execStart.split(' ')]);
    };
    const bridge = start('bridge');
    await bridge.waitForOutput((o) => o.includes('bridge ready'), 120_000);
    const gateway = start('gateway');
    await gateway.waitForOutput((o) => o.includes('gateway ready'), 120_000);
    const inNs = (url) => JSON.parse(sh('ip', ['netns', 'exec', ns, process.execPath, '-e',
      `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => process.stdout.write(t))`]));
    const status = await waitFor(() => inNs('http://127.0.0.1:8081/api/status'), {
      until: (s) => s.bridge?.url === 'https://127.0.0.1:8443', timeoutMs: 60_000,
      what: 'the installed gateway to use the installed bridge over HTTPS',
    });
    assert.equal(status.name, 'gw-1');
    await waitFor(() => inNs('http://127.0.0.1:8080/api/status'), {
      until: (s) => s.gateways.some((g) => g.name === 'gw-1' && g.authenticated), timeoutMs: 60_000,
      what: 'the installed bridge to list the installed gateway',
    });
    await gateway.waitForOutput((o) => o.includes('the bridge at https://127.0.0.1:8443 proved that it holds this '
      + "gateway's token"), 30_000);
    assert.equal(sh('stat', ['-c', '%U %a', '/var/lib/lancast/bridge-key.pem']).trim(), 'lancast 600',
      'the bridge kept its key in its state directory, owner-only');
  }));
