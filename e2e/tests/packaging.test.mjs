// Issue 5: `mvn package` makes a distributable archive that runs from an empty directory, and a
// Debian package whose systemd units and config files sit where docs/deployment.md says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/harness.mjs';

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
  const checked = run('config', 'check', '--offline', join(dir, top, 'etc', 'bridge.yaml'), join(dir, top, 'etc', 'gateway.yaml'));
  assert.match(checked, /bridge\.yaml: ok \(bridge/);
  assert.match(checked, /gateway\.yaml: ok \(gateway/);
  assert.match(run('--help'), /demo[\s\S]*bridge[\s\S]*gateway[\s\S]*send[\s\S]*config/);
  // Issue 14: out of memory, the JVM exits rather than living on with dead threads.
  for (const command of [join(dir, top, 'bin', 'lancast'), join(REPO_ROOT, 'lancast')]) {
    const flags = execFileSync(command, ['version'], { cwd: dir, env: { ...process.env, LANCAST_JAVA_OPTS: '-XX:+PrintFlagsFinal' } }).toString();
    assert.match(flags, /\bExitOnOutOfMemoryError\s+= true\b/, `${command} runs java with -XX:+ExitOnOutOfMemoryError`);
  }
});

test('the Debian package holds the units, configs and command', () => {
  const deb = find(/^lancast_.*_all\.deb$/);
  assert.ok(deb, `no .deb in ${target}`);
  const listing = execFileSync('dpkg', ['-c', join(target, deb)]).toString();
  for (const path of ['./lib/systemd/system/lancast-bridge.service', './lib/systemd/system/lancast-gateway.service',
    './etc/lancast/bridge.yaml', './etc/lancast/gateway.yaml', './usr/bin/lancast', './usr/share/lancast/lib/lancast.jar']) {
    assert.ok(listing.includes(path), `${path} missing from the package:\n${listing}`);
  }
  const conffiles = execFileSync('dpkg-deb', ['-I', join(target, deb), 'conffiles']).toString();
  assert.match(conffiles, /\/etc\/lancast\/bridge\.yaml/);
  const unpacked = mkdtempSync(join(tmpdir(), 'lancast-deb-'));
  execFileSync('dpkg-deb', ['-x', join(target, deb), unpacked]);
  const text = readFileSync(join(unpacked, 'lib/systemd/system/lancast-bridge.service'), 'utf8');
  assert.match(text, /^User=lancast$/m, 'runs as the unprivileged lancast user');
  assert.match(text, /^ExecStart=\/usr\/bin\/lancast bridge --config \/etc\/lancast\/bridge\.yaml$/m);
  assert.match(text, /^Restart=on-failure$/m, 'restarted after an exit on OutOfMemoryError');
  assert.match(readFileSync(join(unpacked, 'usr/bin/lancast'), 'utf8'), /^exec java -XX:\+ExitOnOutOfMemoryError /m);
});
