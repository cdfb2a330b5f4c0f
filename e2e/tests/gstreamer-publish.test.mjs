// GStreamer's webrtcbin (libnice) publishes VP8 + Opus with bundle-policy max-bundle, as encoders
// built on GStreamer do: the audio m-line is offered bundle-only (RFC 8843), and libnice sends no
// consent checks once ICE has completed, so the bridge must keep the session on its media. After
// more than a minute (twice the 30 s liveness timeout) a Chromium viewer must decode its video and
// receive its audio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT, expectAudioGrowing, openViewer, waitForMedia, withFixture } from '../lib/harness.mjs';

const PUBLISHER = resolve(REPO_ROOT, 'e2e', 'gst', 'whip-publish.py');
const PUBLISH_MS = 65_000;

function gstreamerUnavailable() {
  try {
    execFileSync('/usr/bin/python3', ['-c', [
      'import gi',
      "gi.require_version('Gst', '1.0'); gi.require_version('GstWebRTC', '1.0'); gi.require_version('GstSdp', '1.0')",
      'from gi.repository import Gst, GstWebRTC, GstSdp',
      'Gst.init(None)',
      "missing = [e for e in ('webrtcbin', 'nicesrc', 'vp8enc', 'opusenc', 'rtpvp8pay', 'rtpopuspay') if Gst.ElementFactory.find(e) is None]",
      "assert not missing, 'missing GStreamer elements: ' + ', '.join(missing)",
    ].join('\n')], { stdio: ['ignore', 'pipe', 'pipe'] });
    return null;
  } catch (err) {
    return `needs python3-gi and GStreamer's webrtcbin/libnice (run-tests installs them): ${err.stderr?.toString().trim().split('\n').pop()}`;
  }
}

const unavailable = gstreamerUnavailable();

test('GStreamer webrtcbin publishes audio + video with max-bundle for over a minute', { skip: unavailable ?? false, timeout: 180_000 },
  () => withFixture({ timeoutMs: 170_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: false });
    // The script stops on its own well after the test; the fixture stops it first.
    const publisher = fx.process('gst-whip', '/usr/bin/python3', [PUBLISHER, demo.whipUrl, demo.token, '300']);
    await publisher.waitForOutput((out) => out.includes('\nconnected') || out.startsWith('connected'), 60_000);
    const connectedAt = Date.now();
    const answer = JSON.parse(publisher.output().match(/^answer:(.*)$/m)[1]);
    assert.match(answer, /m=audio 9 /, 'the bundle-only audio m-line is accepted');

    while (Date.now() - connectedAt < PUBLISH_MS) {
      await sleep(1_000);
      assert.doesNotMatch(publisher.output(), /^error:/m, 'the publisher reports no error');
      assert.doesNotMatch(demo.output(), /closed \((peer gone|consent expired)/, 'the bridge keeps the session');
    }
    const stats = await fetch(`${demo.bridgeBase}/api/streams`).then((r) => r.json());
    console.log(`after ${Math.round((Date.now() - connectedAt) / 1000)} s connected: ${JSON.stringify(stats).slice(0, 300)}`);

    const browser = await fx.browser();
    const viewer = await openViewer(browser, demo.viewerUrl);
    const { video } = await waitForMedia(viewer.page, { frames: 20, timeoutMs: 45_000 });
    await expectAudioGrowing(viewer.page);
    console.log(`viewer: ${video.framesDecoded} frames decoded, ${video.frameWidth} px wide`);
    assert.doesNotMatch(publisher.output(), /^error:/m);
  }));
