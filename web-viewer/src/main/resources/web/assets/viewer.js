// The viewer page: plays one stream over WHEP and keeps playing across session failures.
// A stream that needs a viewer token gets it from the page's own URL (?token=...), or from the
// person watching when the gateway refuses without one; it goes to WHEP as a Bearer token.
import { negotiate, endSession } from './whip-whep.js';

const DISCONNECTED_GRACE_MS = 3000;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 5000;

const PORTAL_AFTER_FAILURES = 2;

const params = new URLSearchParams(location.search);
const streamName = params.get('stream') || 'main';
let token = params.get('token') || null;
const portal = portalOrigin(params.get('portal'));
const whepUrl = new URL(`/whep/${encodeURIComponent(streamName)}`, location.href).href;

const video = document.getElementById('video');
const stateLine = document.getElementById('state');
const unmuteButton = document.getElementById('unmute');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token');

let pc = null;
let sessionUrl = null;
let sessions = 0;
let state = '';
let attempt = 0; // failures since playback last worked; drives the backoff
let generation = 0; // tells a late callback of a superseded session to stay quiet
let retryTimer = null;
let disconnectedTimer = null;

document.getElementById('stream-name').textContent = streamName;
document.title = `lancast: ${streamName}`;

function setState(next, detail = '') {
  state = next;
  const label = {
    connecting: 'connecting',
    playing: 'playing',
    reconnecting: 'reconnecting',
    'not-live': 'stream not live',
    'not-found': 'stream not found',
    busy: 'gateway busy',
    unauthorized: 'viewer token needed',
    forbidden: 'not allowed from this network',
  }[next];
  stateLine.dataset.state = next;
  stateLine.textContent = detail ? `${label}: ${detail}` : label;
}

function notePlaying() {
  const flowing = pc?.connectionState === 'connected' && !video.paused && video.readyState >= 2;
  if (flowing && state !== 'playing') {
    attempt = 0;
    setState('playing');
  }
}

async function connect() {
  const gen = ++generation;
  const next = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  pc = next;
  next.addTransceiver('audio', { direction: 'recvonly' });
  next.addTransceiver('video', { direction: 'recvonly' });

  const media = new MediaStream();
  next.addEventListener('track', (event) => {
    media.addTrack(event.track);
    if (video.srcObject !== media) video.srcObject = media;
  });
  next.addEventListener('connectionstatechange', () => onConnectionState(next, gen));

  try {
    const url = await negotiate(next, whepUrl, { token });
    if (gen !== generation) {
      endSession(url);
      return;
    }
    sessionUrl = url;
    sessions += 1;
    watchDtls(next, gen);
    if (state === 'not-live' || state === 'not-found') setState('connecting');
  } catch (err) {
    if (gen !== generation) return;
    // Asking again with the same credentials cannot help: say so and wait for the person.
    if (err.status === 401) refuse('unauthorized', err.reason);
    else if (err.status === 403) refuse('forbidden', err.reason);
    else if (err.retryAfterSeconds != null) retry('busy', err.reason, err.retryAfterSeconds * 1000);
    else if (err.status === 503) retry('not-live', err.reason);
    else if (err.status === 404) retry('not-found', err.reason);
    // fetch() rejects with a TypeError when the gateway cannot be reached at all.
    else if (err instanceof TypeError && attempt + 1 >= PORTAL_AFTER_FAILURES && portal) askPortal();
    else retry('reconnecting', err.message);
  }
}

// The bridge's portal (given by the redirect that brought the viewer here) knows the healthy
// gateways; when this one does not answer at all, it sends the viewer to another.
function portalOrigin(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

function askPortal() {
  teardown();
  setState('reconnecting', 'this gateway does not answer; asking the portal for another');
  const next = new URL(`/watch/${encodeURIComponent(streamName)}`, portal);
  // The portal may list a crashed gateway for a few seconds more; it must not send us back here.
  next.searchParams.set('avoid', location.origin);
  if (token) next.searchParams.set('token', token);
  location.replace(next.href);
}

function onConnectionState(owner, gen) {
  if (gen !== generation) return;
  switch (owner.connectionState) {
    case 'connected':
      clearTimeout(disconnectedTimer);
      notePlaying();
      break;
    case 'disconnected':
      // Often a brief network hiccup that ICE recovers from by itself.
      clearTimeout(disconnectedTimer);
      disconnectedTimer = setTimeout(() => {
        if (gen === generation && owner.connectionState === 'disconnected') {
          retry('reconnecting', 'connection lost');
        }
      }, DISCONNECTED_GRACE_MS);
      break;
    case 'failed':
      retry('reconnecting', 'connection failed');
      break;
    default:
      break;
  }
}

// A DTLS close_notify means the server ended the session; ICE alone would notice only
// seconds later.
function watchDtls(owner, gen) {
  const dtls = owner.getTransceivers()[0]?.receiver.transport;
  dtls?.addEventListener('statechange', () => {
    if (gen === generation && (dtls.state === 'closed' || dtls.state === 'failed')) {
      retry('reconnecting', 'the server ended the session');
    }
  });
}

function retry(nextState, detail, atLeastMs = 0) {
  teardown();
  const delay = Math.max(Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS), atLeastMs);
  attempt += 1;
  setState(nextState, `${detail} (retry in ${Math.round(delay / 1000)} s)`);
  retryTimer = setTimeout(connect, delay);
}

function refuse(nextState, detail) {
  teardown();
  setState(nextState, detail);
  tokenForm.hidden = nextState !== 'unauthorized';
  if (!tokenForm.hidden) tokenInput.focus();
}

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  token = tokenInput.value.trim() || null;
  tokenForm.hidden = true;
  attempt = 0;
  setState('connecting');
  connect();
});

function teardown() {
  generation += 1;
  clearTimeout(retryTimer);
  clearTimeout(disconnectedTimer);
  pc?.close();
  pc = null;
  endSession(sessionUrl);
  sessionUrl = null;
}

function updateUnmuteLabel() {
  unmuteButton.textContent = video.muted ? 'Unmute' : 'Mute';
}

unmuteButton.addEventListener('click', () => {
  video.muted = !video.muted;
  updateUnmuteLabel(); // volumechange comes a task later; the label should not lag the click
  // A click is the user gesture that allows audible playback if autoplay had been refused.
  video.play().catch(() => {});
});
video.addEventListener('volumechange', updateUnmuteLabel);
for (const type of ['playing', 'loadeddata', 'timeupdate']) video.addEventListener(type, notePlaying);
window.addEventListener('pagehide', teardown);
// A page restored from the back/forward cache had its session ended by pagehide.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) connect();
});

window.lancastViewer = {
  get pc() { return pc; },
  get state() { return state; },
  get sessions() { return sessions; },
  get sessionUrl() { return sessionUrl; },
  get stream() { return streamName; },
};

updateUnmuteLabel();
setState('connecting');
connect();
