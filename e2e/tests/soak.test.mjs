// Issue 21: the soak, 3 minutes of it (bench/soak/run; the 30-minute and 3-hour ones stay outside
// CI): threads and file descriptors of the bridge and both gateways stay flat while load generator
// viewers join and leave, keys rotate, sequence numbers wrap, the bridge restarts and a gateway
// drains; the Chromium viewer that the drain moves still plays at the end. The growth test itself
// is checked on made-up series (bench/soak/trend.test.mjs, imported here so that CI runs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/harness.mjs';
import '../../bench/soak/trend.test.mjs';

test('a 3-minute soak: threads and descriptors flat, the viewer still playing', { timeout: 600_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'lancast-soak-'));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bench', 'soak', 'soak.mjs'), '--minutes', '3',
    '--sample-seconds', '5', '--rotate-seconds', '20', '--viewers', '10', '--batch-seconds', '20', '--no-heap',
    '--assert', 'threads,fds', '--out', out], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const code = await new Promise((done) => child.on('exit', done));
  const table = readFileSync(join(out, 'table.md'), 'utf8');
  console.log(table);
  assert.equal(code, 0, `the soak failed:\n${output.slice(-4000)}`);
  for (const quantity of ['threads', 'fds']) {
    for (const process of ['bridge#1', 'gw-a#0', 'gw-b#1']) {
      assert.match(table, new RegExp(`\\| ${process} \\| ${quantity} \\| \\d+ \\|[^\\n]*\\| flat \\|`), `${process} ${quantity} judged flat`);
    }
  }
  const viewer = table.split('\n').find((l) => l.startsWith('Chromium viewer:')) ?? '';
  assert.match(viewer, /is draining/, `the drain moved the viewer: ${viewer}`);
  assert.match(viewer, /state at the end: playing$/, viewer);
});
