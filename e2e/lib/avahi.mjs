// A real mDNS stack to interoperate with: Avahi (avahi-daemon, avahi-browse, avahi-publish)
// inside one of the test's namespaces, bound to that host's veth only, talking to its tools over
// a private D-Bus of its own (the machine's system bus, if any, is never touched).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './harness.mjs';

/** Why Avahi tests cannot run here, or null when they can. */
export function avahiUnavailable() {
  for (const tool of ['avahi-daemon', 'avahi-browse', 'avahi-publish', 'dbus-daemon']) {
    try { execFileSync('which', [tool], { stdio: 'ignore' }); } catch { return `needs ${tool} (Debian avahi-daemon, avahi-utils, dbus)`; }
  }
  return null;
}

/** Starts dbus-daemon and avahi-daemon in `host`, on interface `ifName` only. */
export async function startAvahi(fx, host, ifName) {
  const dir = mkdtempSync(join(tmpdir(), 'lancast-avahi-'));
  const bus = `unix:path=${join(dir, 'bus')}`;
  writeFileSync(join(dir, 'bus.conf'), `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>${bus}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`);
  writeFileSync(join(dir, 'avahi.conf'), `[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=${ifName}
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
`);
  const inHost = (name, ...command) => fx.process(name, 'ip',
    ['netns', 'exec', host.ns, 'env', `DBUS_SYSTEM_BUS_ADDRESS=${bus}`, ...command]);
  inHost('dbus-daemon', 'dbus-daemon', `--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--nopidfile');
  await waitFor(() => { try { execFileSync('test', ['-S', join(dir, 'bus')]); return true; } catch { return false; } },
    { timeoutMs: 20_000, what: 'the private D-Bus socket' });
  const daemon = inHost('avahi-daemon', 'avahi-daemon', '-f', join(dir, 'avahi.conf'), '--no-drop-root',
    '--no-chroot', '--no-rlimits');
  await daemon.waitForOutput((out) => out.includes('Server startup complete'), 30_000);

  return {
    /** `avahi-browse -rpt type`: the resolved instances as { name, address, port, txt }. */
    async browse(type) {
      const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', host.ns, 'env',
        `DBUS_SYSTEM_BUS_ADDRESS=${bus}`, 'avahi-browse', '-rpt', type], { timeout: 20_000 });
      return stdout.split('\n').filter((line) => line.startsWith('=;')).map((line) => {
        const f = line.split(';');
        const txt = {};
        for (const m of f.slice(9).join(';').matchAll(/"([^"]*)"/g)) {
          const eq = m[1].indexOf('=');
          txt[m[1].slice(0, eq)] = m[1].slice(eq + 1);
        }
        // avahi-browse escapes some characters in names (e.g. a space as \032).
        return { name: f[3], address: f[7], port: Number(f[8]), txt };
      });
    },
    /** `avahi-resolve -4 -n name`: the IPv4 address that answers for a .local host name, or null. */
    async resolve(name) {
      try {
        const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', host.ns, 'env',
          `DBUS_SYSTEM_BUS_ADDRESS=${bus}`, 'avahi-resolve', '-4', '-n', name], { timeout: 20_000 });
        return stdout.trim().split(/\s+/)[1] ?? null;
      } catch {
        return null;
      }
    },
    /** `avahi-publish -s`: publishes a service until the test ends. */
    async publish(name, type, port, txt) {
      const proc = inHost(`avahi-publish ${name}`, 'avahi-publish', '-s', name, type, String(port),
        ...Object.entries(txt).map(([k, v]) => `${k}=${v}`));
      await proc.waitForOutput((out) => out.includes('Established under name'), 30_000);
      return proc;
    },
  };
}
