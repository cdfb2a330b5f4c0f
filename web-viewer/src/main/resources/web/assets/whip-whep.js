// WHIP (RFC 9725) and WHEP signalling shared by the broadcast and viewer pages.
// lancast servers are ICE-lite and take no trickled candidates, so the broadcast page's offer is
// sent once, after ICE gathering, carrying every candidate the browser found; the viewer page
// offers at once (see negotiate's gatherMs).

const ICE_GATHERING_CAP_MS = 2000;

/** A WHIP/WHEP endpoint answered with something other than success. */
export class SignallingError extends Error {
  constructor(status, reason, retryAfterSeconds = null) {
    super(reason ? `HTTP ${status}: ${reason}` : `HTTP ${status}`);
    this.name = 'SignallingError';
    this.status = status;
    this.reason = reason;
    // Set when the server is at a session limit (429, 503) and says when to come back.
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Offers `pc` to the WHIP/WHEP endpoint `url` and applies its answer.
 * Returns the absolute URL of the created session (the one to DELETE).
 */
export async function negotiate(pc, url, { token, gatherMs = ICE_GATHERING_CAP_MS } = {}) {
  const endpoint = new URL(url, globalThis.location?.href);
  await pc.setLocalDescription(await pc.createOffer());
  // gatherMs 0: offer at once, with no candidates. An ICE-lite server learns the browser's address
  // from its first check (a peer-reflexive candidate, RFC 8445 7.3.1.3), so a receive-only viewer
  // need not wait for gathering (up to the cap where an interface is slow to answer).
  if (gatherMs > 0) await iceGatheringDone(pc, gatherMs);

  const headers = { 'Content-Type': 'application/sdp' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(endpoint, { method: 'POST', headers, body: pc.localDescription.sdp });
  const body = await response.text();
  if (!response.ok) {
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    throw new SignallingError(response.status, reasonOf(response, body), Number.isNaN(retryAfter) ? null : retryAfter);
  }

  const location = response.headers.get('Location');
  if (!location) {
    // Without a Location the session can never be ended; the CORS setup may lack Expose-Headers.
    throw new SignallingError(response.status, 'the answer has no Location header');
  }
  // After a 307 (RFC 9725 4.5: a WHIP/WHEP endpoint may redirect, e.g. a draining gateway) the
  // Location is relative to the endpoint that answered.
  const sessionUrl = new URL(location, response.url || endpoint).href;
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
  } catch (err) {
    endSession(sessionUrl, { token });
    throw err;
  }
  return sessionUrl;
}

/** Ends a session created by `negotiate`. Best effort: the server also times sessions out. */
export async function endSession(sessionUrl, { token } = {}) {
  if (!sessionUrl) return;
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  try {
    // keepalive lets the DELETE outlive a page that is being closed.
    await fetch(sessionUrl, { method: 'DELETE', headers, keepalive: true });
  } catch {
    // The session ends anyway when ICE consent expires.
  }
}

// lancast servers give their reason as text/plain; other bodies (an HTML error page from a proxy)
// would only clutter the status line.
function reasonOf(response, body) {
  const type = response.headers.get('Content-Type') ?? '';
  const reason = !type || type.startsWith('text/plain') ? body.trim().slice(0, 300) : '';
  return reason || response.statusText;
}

function iceGatheringDone(pc, capMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onStateChange);
      pc.removeEventListener('icecandidate', onCandidate);
      resolve();
    };
    const onStateChange = () => {
      if (pc.iceGatheringState === 'complete') finish();
    };
    // A null candidate also marks the end of gathering (some browsers signal only this way).
    const onCandidate = (event) => {
      if (!event.candidate) finish();
    };
    const timer = setTimeout(finish, capMs);
    pc.addEventListener('icegatheringstatechange', onStateChange);
    pc.addEventListener('icecandidate', onCandidate);
  });
}
