// One WHEP session of the viewer page on one gateway, with its own <video> element: the page can
// connect a new session while the current one still plays, and show it at its first frame.
import { negotiate, endSession } from './whip-whep.js';

const STEADY_FRAMES = 10;
const STEADY_MS = 300;

export class PlaySession {
  /**
   * @param gateway the gateway's base URL (…/), where its WHEP endpoint and /api/peers are
   * @param video   the element to play into
   * @param on      { track(session), trouble(session, why) }: ICE or DTLS says the path is gone
   */
  constructor(gateway, stream, video, on) {
    this.gateway = gateway;
    this.stream = stream;
    this.video = video;
    this.on = on;
    this.pc = null;
    this.sessionUrl = null;
    this.token = null;
    this.closed = false;
    this.firstFrameAt = null; // performance.now() of the first frame presented
    this.lastFrameAt = null;
    this.frames = 0;
    this.firstFrame = new Promise((resolve) => { this.resolveFirstFrame = resolve; });
    // Steady: frames keep coming after the first (a joining session's first frame is often
    // followed by a pause while the rest of the primer and the live edge arrive).
    this.steady = new Promise((resolve) => { this.resolveSteady = resolve; });
  }

  /** Offers and applies the answer; rejects as negotiate() does. A 307 (a draining gateway) is followed. */
  async start(token) {
    this.token = token;
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    this.pc = pc;
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    const media = new MediaStream();
    pc.addEventListener('track', (event) => {
      media.addTrack(event.track);
      if (this.video.srcObject !== media) {
        this.video.srcObject = media;
        this.on.track(this);
      }
    });
    pc.addEventListener('connectionstatechange', () => {
      if (this.closed) return;
      if (pc.connectionState === 'disconnected' || pc.connectionState === 'failed') {
        this.on.trouble(this, `connection ${pc.connectionState}`);
      }
    });
    this.watchFrames();
    const url = await negotiate(pc, new URL(`whep/${encodeURIComponent(this.stream)}`, this.gateway).href, { token, gatherMs: 0 });
    if (this.closed) {
      endSession(url, { token });
      return;
    }
    this.sessionUrl = url;
    // A 307 from a draining gateway means the session is elsewhere: that gateway is ours now.
    this.gateway = new URL('/', url).href;
    // A DTLS close_notify means the server ended the session; ICE alone would notice only seconds later.
    const dtls = pc.getTransceivers()[0]?.receiver.transport;
    dtls?.addEventListener('statechange', () => {
      if (!this.closed && (dtls.state === 'closed' || dtls.state === 'failed')) this.on.trouble(this, 'the gateway ended the session');
    });
  }

  // Frames as presented on screen (requestVideoFrameCallback), or else decoded (getStats).
  watchFrames() {
    const frame = () => {
      const now = performance.now();
      this.frames += 1;
      this.lastFrameAt = now;
      if (this.firstFrameAt == null) {
        this.firstFrameAt = now;
        this.firstFrameEpoch = Date.now();
        this.resolveFirstFrame(this);
        this.frames = 1;
      }
      if (this.frames >= STEADY_FRAMES && now - this.firstFrameAt >= STEADY_MS) this.resolveSteady(this);
    };
    if ('requestVideoFrameCallback' in HTMLVideoElement.prototype) {
      const next = () => {
        if (this.closed) return;
        frame();
        this.video.requestVideoFrameCallback(next);
      };
      this.video.requestVideoFrameCallback(next);
      return;
    }
    let decoded = 0;
    this.statsTimer = setInterval(async () => {
      for (const s of (await this.pc?.getStats())?.values() ?? []) {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > decoded) {
          decoded = s.framesDecoded;
          frame();
        }
      }
    }, 100);
  }

  /** Milliseconds since the last frame (Infinity before the first). */
  sinceLastFrame(now = performance.now()) {
    return this.lastFrameAt == null ? Infinity : now - this.lastFrameAt;
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.statsTimer);
    this.pc?.close();
    endSession(this.sessionUrl, { token: this.token });
  }
}

/** A <video> for a session connected behind `shown` (same place, underneath), until it takes over. */
export function standbyVideo(stage, shown) {
  const element = document.createElement('video');
  for (const name of ['playsinline', 'autoplay']) element.setAttribute(name, '');
  element.muted = shown.muted;
  element.className = 'standby';
  element.setAttribute('aria-hidden', 'true');
  stage.insertBefore(element, shown);
  return element;
}
