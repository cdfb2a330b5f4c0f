// What the viewer page knows of the gateways of its subnet: it asks its current gateway once a
// second (GET /api/peers) whether it drains and which other gateways serve the stream, so that
// when the gateway dies the page moves at once, without asking anyone; the same request is the
// probe that tells a dead gateway (refused, or no answer within PROBE_TIMEOUT_MS) from a paused
// broadcast. The portal (the bridge) is a last resort, and only the one the gateway vouches for.

const PROBE_TIMEOUT_MS = 1000;
// A gateway that failed is not tried again for this long (the bridge may still list it).
const AVOID_MS = 10_000;

export class Gateways {
  constructor(stream, portalHint) {
    this.stream = stream;
    this.portalHint = portalHint; // ?portal= of the URL: trusted only where the gateway names the same host
    this.peers = [];
    this.vouchedPortal = null;
    this.failedAt = new Map();
  }

  /**
   * Asks `gateway` for its peers: resolves to its answer ({ name, draining, spreadMs, portal, peers }),
   * or to { unreachable: 'refused' } when the connection is refused or reset or the answer is an
   * error (a dead process on a live host), or { unreachable: 'timeout' } after PROBE_TIMEOUT_MS
   * (a dead host, or only a busy one).
   */
  async ask(gateway) {
    try {
      const url = new URL(`api/peers?stream=${encodeURIComponent(this.stream)}`, gateway);
      const response = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      if (response.status === 404) return {}; // an older gateway without /api/peers
      if (!response.ok) return { unreachable: 'refused' };
      const answer = await response.json();
      this.peers = Array.isArray(answer.peers) ? answer.peers.filter((p) => isHttpUrl(p.url)) : [];
      if (answer.portal && isHttpUrl(answer.portal)) this.vouchedPortal = answer.portal;
      return answer;
    } catch (err) {
      return { unreachable: err?.name === 'TimeoutError' || err?.name === 'AbortError' ? 'timeout' : 'refused' };
    }
  }

  markFailed(gateway) {
    this.failedAt.set(new URL(gateway).origin, performance.now());
  }

  usable(gateway, now = performance.now()) {
    const at = this.failedAt.get(new URL(gateway).origin);
    return at == null || now - at > AVOID_MS;
  }

  /**
   * The next gateway to try instead of `current`: one of the peers it named, drawn at random with
   * weight to its free room (so that a crowd of viewers spreads), never one that failed lately.
   */
  next(current) {
    const here = new URL(current).origin;
    const choices = this.peers.filter((p) => new URL(p.url).origin !== here && this.usable(p.url));
    if (choices.length === 0) return null;
    const weights = choices.map((p) => Math.max(0.05, 1 - (Number(p.load) || 0)));
    let pick = Math.random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < choices.length; i++) {
      pick -= weights[i];
      if (pick <= 0) return choices[i];
    }
    return choices[choices.length - 1];
  }

  /**
   * The bridge's portal, as the gateway vouches for it (its bridge URL). A ?portal= from the page's
   * own URL is used only when it names the same host (it may be the bridge's plain-HTTP port where
   * the gateway uses HTTPS): any other origin could be anybody's (security review N14).
   */
  portal() {
    if (!this.vouchedPortal) return null;
    const vouched = new URL(this.vouchedPortal);
    if (this.portalHint) {
      try {
        const hint = new URL(this.portalHint);
        if (isHttpUrl(hint.href) && hint.hostname === vouched.hostname) return hint.origin;
      } catch { /* not a URL */ }
    }
    return vouched.origin;
  }
}

function isHttpUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
