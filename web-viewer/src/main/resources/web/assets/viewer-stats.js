// The viewer page's statistics panel: figures of the session on screen, sampled once a second.

export class PlaybackStats {
  constructor() {
    this.values = {};
    this.lastSample = null;
  }

  /** Samples `pc` (the session on screen) and renders the panel. */
  async sample(pc) {
    if (!pc) return;
    let inbound = null;
    let audioIn = null;
    let pair = null;
    for (const s of (await pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s;
      else if (s.type === 'inbound-rtp' && s.kind === 'audio') audioIn = s;
      else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    }
    const now = performance.now();
    const bytes = (inbound?.bytesReceived ?? 0) + (audioIn?.bytesReceived ?? 0);
    const stats = this.values;
    if (this.lastSample?.pc === pc) {
      const seconds = (now - this.lastSample.at) / 1000;
      stats.bitrateBps = seconds > 0 ? Math.max(0, (bytes - this.lastSample.bytes) * 8 / seconds) : 0;
    }
    this.lastSample = { pc, at: now, bytes };
    const received = inbound?.packetsReceived ?? 0;
    const lost = Math.max(0, inbound?.packetsLost ?? 0);
    Object.assign(stats, {
      width: inbound?.frameWidth ?? 0,
      height: inbound?.frameHeight ?? 0,
      fps: inbound?.framesPerSecond ?? 0,
      lossPercent: received + lost > 0 ? (100 * lost) / (received + lost) : 0,
      jitterMs: (inbound?.jitter ?? 0) * 1000,
      rttMs: pair?.currentRoundTripTime != null ? pair.currentRoundTripTime * 1000 : null,
      framesDecoded: inbound?.framesDecoded ?? 0,
    });
    this.render();
  }

  render() {
    const stats = this.values;
    const text = (id, value) => { document.getElementById(id).textContent = value; };
    text('stat-resolution', stats.width ? `${stats.width}×${stats.height}` : '–');
    text('stat-fps', stats.width ? `${Math.round(stats.fps)} fps` : '–');
    text('stat-bitrate', stats.bitrateBps != null ? formatBitrate(stats.bitrateBps) : '–');
    text('stat-loss', `${stats.lossPercent.toFixed(1)} %`);
    text('stat-jitter', `${Math.round(stats.jitterMs)} ms`);
    text('stat-rtt', stats.rttMs != null ? `${Math.round(stats.rttMs)} ms` : '–');
  }
}

export function formatBitrate(bps) {
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`;
}
