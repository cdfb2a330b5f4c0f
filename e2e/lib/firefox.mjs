// Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi, inside a network namespace
// of a test (netns.mjs): Firefox gathers no loopback ICE candidates, so it must run where a veth
// is its interface. Its BiDi agent listens on the namespace's own 127.0.0.1, which the test
// process (in the machine's namespace) cannot reach; a relay in the namespace joins that port to
// a Unix socket, and a listener here on 127.0.0.1 joins the socket to puppeteer.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { startProcess } from './harness.mjs';

export const FIREFOX = process.env.LANCAST_FIREFOX || '/usr/bin/firefox-esr';

/**
 * Fake camera and microphone without a prompt, getUserMedia on plain http (the test hosts have no
 * certificate), host candidates as addresses (no mDNS names), and nothing that phones home.
 */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.devices.insecure.enabled': true,
  'media.getusermedia.insecure.enabled': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'app.update.auto': false,
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'extensions.update.enabled': false,
  'remote.prefs.recommended': true,
};

/** Why Firefox tests cannot run here, or null. */
export function firefoxUnavailable() {
  try {
    execFileSync(FIREFOX, ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return `needs Debian's firefox-esr at ${FIREFOX} (run-tests installs it)`;
  }
}

/** Version of the Firefox binary, e.g. "Mozilla Firefox 140.12.0esr". */
export function firefoxVersion() {
  return execFileSync(FIREFOX, ['--version']).toString().trim();
}

// Runs in the namespace: accepts on a Unix socket and joins each connection to 127.0.0.1:port there.
const RELAY = `const net = require('node:net');
const [sock, port] = process.argv.slice(1);
net.createServer((c) => { const t = net.connect(Number(port), '127.0.0.1'); c.pipe(t); t.pipe(c);
  c.on('error', () => t.destroy()); t.on('error', () => c.destroy()); }).listen(sock, () => console.log('relay ready'));`;

/**
 * Starts headless Firefox in network namespace `netns` and connects puppeteer to it. The fixture
 * `fx` (harness.mjs withFixture) owns every process started and stops them at the end.
 * Returns the puppeteer Browser.
 */
export async function launchFirefoxIn(fx, netns) {
  const dir = mkdtempSync(join(tmpdir(), 'lancast-firefox-'));
  fx.defer(() => rmSync(dir, { recursive: true, force: true }));
  const profile = join(dir, 'profile');
  execFileSync('mkdir', ['-p', profile]);
  writeFileSync(join(profile, 'user.js'),
    Object.entries(FIREFOX_PREFS).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n');
  const firefox = fx.process('firefox', 'ip', ['netns', 'exec', netns, FIREFOX, '--headless', '--no-remote',
    '--profile', profile, '--remote-debugging-port=0', 'about:blank']);
  const agent = await firefox.waitForOutput(
    (out) => out.match(/WebDriver BiDi listening on ws:\/\/127\.0\.0\.1:(\d+)/)?.[1], 60_000);
  const sock = join(dir, 'bidi.sock');
  const relay = fx.process('firefox-relay', 'ip', ['netns', 'exec', netns, process.execPath, '-e', RELAY, sock, agent]);
  await relay.waitForOutput((out) => out.includes('relay ready'), 10_000);

  const local = createServer((c) => {
    const t = createConnection(sock);
    c.pipe(t); t.pipe(c);
    c.on('error', () => t.destroy()); t.on('error', () => c.destroy());
  });
  // The agent checks the Host header, port included: listen on the agent's own port number.
  await new Promise((resolve, reject) => { local.once('error', reject); local.listen(Number(agent), '127.0.0.1', resolve); });
  fx.defer(() => new Promise((resolve) => local.close(resolve)));
  const browser = await puppeteer.connect({
    browserWSEndpoint: `ws://127.0.0.1:${local.address().port}/session`,
    protocol: 'webDriverBiDi',
  });
  fx.defer(() => browser.close().catch(() => {}));
  return browser;
}
