// Bridge and gateway as separate processes on two namespace hosts (see netns.mjs), configured
// through real config files, with the CLI sender publishing on the bridge host.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANCAST } from './harness.mjs';

const READY_MS = 90_000;

/** `sender: false` leaves the stream without a publisher, for a test to publish its own. */
export async function startLan(fx, net, { token = 'lan-token-0123456789', rotateSeconds = 3600, sender: withSender = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lancast-lan-'));
  const gatewayToken = randomBytes(16).toString('hex');
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const bridgeYaml = join(dir, 'bridge.yaml');
  // The bridge's default HTTPS on :8443 (its own namespace), the certificate kept in the test's directory.
  const gatewayName = `gw-${net.gatewayIp.replaceAll('.', '-')}`;
  writeFileSync(bridgeYaml, `http:
  listen: ${net.bridgeIp}:8080
stateDirectory: ${dir}
media:
  listen: ${net.bridgeIp}:10000
feedback: ${net.bridgeIp}:10002
multicast:
  interface: ${net.bridgeIf}
  ttl: 1
keys:
  rotateSeconds: ${rotateSeconds}
  gatewayTokens: { ${gatewayName}: ${gatewayToken} }
streams:
  - name: main
    tokens: [${token}]
    video: { group: ${group}, port: 5004 }
    audio: { group: ${group}, port: 5006 }
`);
  const gatewayYaml = join(dir, 'gateway.yaml');
  writeFileSync(gatewayYaml, `http:
  listen: ${net.gatewayIp}:8081
media:
  listen: ${net.gatewayIp}:10001
bridgeUrl: https://${net.bridgeIp}:8443
bridgeToken: ${gatewayToken}
multicast:
  interface: ${net.gatewayIf}
`);
  const bridge = fx.process('bridge', 'ip', ['netns', 'exec', net.bridgeNs, LANCAST, 'bridge', '--config', bridgeYaml]);
  const gateway = fx.process('gateway', 'ip', ['netns', 'exec', net.gatewayNs, LANCAST, 'gateway', '--config', gatewayYaml]);
  await bridge.waitForOutput((out) => out.includes('bridge ready'), READY_MS);
  await gateway.waitForOutput((out) => out.includes('gateway ready'), READY_MS);
  const whipUrl = `http://${net.bridgeIp}:8080/whip/main`;
  if (withSender) {
    const sender = fx.process('send', 'ip', ['netns', 'exec', net.bridgeNs, LANCAST, 'send', '--whip', whipUrl, '--token', token]);
    await sender.waitForOutput((out) => out.includes('publishing the test clip'), READY_MS);
  }
  // `ip netns exec` and ./lancast both exec, so these are the JVMs' pids (for jcmd).
  return { viewerUrl: `http://${net.gatewayIp}:8081/`, whepUrl: `http://${net.gatewayIp}:8081/whep/main`, whipUrl, token,
    group, videoPort: 5004, gatewayToken, bridgeUrl: `http://${net.bridgeIp}:8080`,
    bridgeHttpsUrl: `https://${net.bridgeIp}:8443`, gatewayUrl: `http://${net.gatewayIp}:8081`,
    feedbackPort: 10002, mediaPort: 10001, bridge, gateway, bridgePid: bridge.child.pid, gatewayPid: gateway.child.pid };
}

/** Samples framesDecoded in the page every 50 ms and keeps the longest stall between new frames. */
export async function watchFreezes(page) {
  await page.evaluate(() => {
    const state = { longestGapMs: 0, lastChange: performance.now(), lastFrames: -1 };
    window.__freezes = state;
    setInterval(async () => {
      const pc = window.lancastViewer?.pc;
      if (!pc) return;
      const stats = await pc.getStats();
      stats.forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') {
          const now = performance.now();
          if (r.framesDecoded !== state.lastFrames) {
            if (state.lastFrames > 0) state.longestGapMs = Math.max(state.longestGapMs, now - state.lastChange);
            state.lastFrames = r.framesDecoded;
            state.lastChange = now;
          }
        }
      });
    }, 50);
  });
  return () => page.evaluate(() => window.__freezes.longestGapMs);
}

/**
 * Records, in the page, every video frame presented on screen (requestVideoFrameCallback on each
 * <video> that is not a standby behind the picture), as Date.now() and which element showed it:
 * what the person watching sees, across the page's moves from one gateway to another. Returns
 * functions that read the record: `frames()` and `since(ms)` (the frames after a wall-clock time).
 */
export async function watchPresentedFrames(page) {
  await page.evaluate(() => {
    // frames: the last 10,000-20,000 (bounded); gaps: every pause over 250 ms between two shown
    // frames, [from, to], kept whole however long the watch.
    const record = { frames: [], gaps: [], last: null, count: 0, elements: new WeakMap(), next: 0 };
    window.__presented = record;
    const follow = (video) => {
      if (record.elements.has(video)) return;
      const id = record.next++;
      record.elements.set(video, id);
      const onFrame = () => {
        if (!video.isConnected) return;
        if (!video.classList.contains('standby')) {
          const now = Date.now();
          if (record.last != null && now - record.last > 250) record.gaps.push([record.last, now]);
          record.last = now;
          record.count += 1;
          record.frames.push([now, id]);
          if (record.frames.length > 20_000) record.frames.splice(0, 10_000);
        }
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    };
    setInterval(() => document.querySelectorAll('video').forEach(follow), 20);
  });
  return {
    frames: () => page.evaluate(() => window.__presented.frames),
    /** The longest pause between two shown frames that ended in [from, to] (ms; 0 if none over 250 ms). */
    longestGap: (from, to) => page.evaluate(([f, t]) => Math.max(0, ...window.__presented.gaps
      .filter(([, end]) => end >= f && end <= t).map(([start, end]) => end - start)), [from, to]),
    since: (at) => page.evaluate((t) => window.__presented.frames.filter(([when]) => when >= t), at),
  };
}

/** The longest time between two frames presented in [from, to] (wall clock, ms), and the frame count. */
export function longestGap(frames, from, to) {
  const inWindow = frames.filter(([t]) => t >= from && t <= to);
  let gap = 0;
  let previous = null;
  for (const [t] of frames.filter(([when]) => when <= to)) {
    if (previous != null && t >= from) gap = Math.max(gap, t - previous);
    previous = t;
  }
  return { gapMs: gap, frames: inWindow.length };
}

/** The p-th percentile (0..100) of numbers, nearest rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
