// The viewer page: plays one stream over WHEP and keeps playing across session failures, says
// what is going on (connecting, reconnecting, waiting for the broadcast), shows playback
// statistics, and offers the other streams its gateway carries.
// A stream that needs a viewer token gets it from the page's own URL (?token=...), or from the
// person watching when the gateway refuses without one; it goes to WHEP as a Bearer token.
import { negotiate, endSession } from './whip-whep.js';
import { createLayerPicker } from './layer-picker.js';

const DISCONNECTED_GRACE_MS = 3000;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 5000;

const PORTAL_AFTER_FAILURES = 2;
const STATS_INTERVAL_MS = 1000;
// No new frame for this long while connected: the broadcast paused or ended (the session stays).
const STALL_MS = 3000;

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
const liveBadge = document.getElementById('live-badge');
const stageMessage = document.getElementById('stage-message');
const playOverlay = document.getElementById('play-overlay');
const pipButton = document.getElementById('pip');
const fullscreenButton = document.getElementById('fullscreen');
const statsToggle = document.getElementById('stats-toggle');
const statsPanel = document.getElementById('stats');
const pickerLabel = document.getElementById('picker-label');
const picker = document.getElementById('stream-picker');

let pc = null;
let sessionUrl = null;
let sessions = 0;
let state = '';
let attempt = 0; // failures since playback last worked; drives the backoff
let generation = 0; // tells a late callback of a superseded session to stay quiet
let retryTimer = null;
let disconnectedTimer = null;
let stalled = false; // connected, but no frame decoded for STALL_MS

document.getElementById('stream-name').textContent = streamName;
document.title = `lancast: ${streamName}`;

function setState(next, detail = '') {
  state = next;
  const label = {
    connecting: 'connecting…',
    playing: 'playing',
    reconnecting: 'reconnecting…',
    'not-live': 'the broadcast has not started or has ended; waiting',
    'not-found': 'stream not found',
    busy: 'gateway busy',
    unauthorized: 'viewer token needed',
    forbidden: 'not allowed from this network',
  }[next];
  stateLine.dataset.state = next;
  stateLine.textContent = detail ? `${label}: ${detail}` : label;
  liveBadge.dataset.live = String(next === 'playing');
  liveBadge.textContent = next === 'playing' ? 'LIVE' : 'offline';
  // Over the picture too, where someone watching full screen sees it; the status line speaks it.
  stageMessage.hidden = next === 'playing';
  stageMessage.textContent = stateLine.textContent;
}

function notePlaying() {
  const flowing = pc?.connectionState === 'connected' && !video.paused && video.readyState >= 2 && !stalled;
  if (flowing && state !== 'playing') {
    attempt = 0;
    setState('playing');
  }
}

async function connect() {
  const gen = ++generation;
  stalled = false;
  const next = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  pc = next;
  next.addTransceiver('audio', { direction: 'recvonly' });
  next.addTransceiver('video', { direction: 'recvonly' });

  const media = new MediaStream();
  next.addEventListener('track', (event) => {
    media.addTrack(event.track);
    if (video.srcObject !== media) {
      video.srcObject = media;
      startPlayback();
    }
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
    layerPicker.sessionStarted(); // a choice made before outlives a reconnection
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

// Muted autoplay is allowed almost everywhere; where it is not, a button offers to start.
function startPlayback() {
  video.play().then(() => { playOverlay.hidden = true; }).catch((err) => {
    if (err.name === 'NotAllowedError') playOverlay.hidden = false;
  });
}

playOverlay.addEventListener('click', () => {
  playOverlay.hidden = true;
  startPlayback();
});

// Once a second: the stats panel's figures, and whether frames still arrive.
let lastSample = null;
let lastFrameAt = performance.now();
const stats = {};
async function sampleStats() {
  const owner = pc;
  if (!owner) return;
  let inbound = null;
  let audioIn = null;
  let pair = null;
  for (const s of (await owner.getStats()).values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s;
    else if (s.type === 'inbound-rtp' && s.kind === 'audio') audioIn = s;
    else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
  }
  if (owner !== pc) return;
  const now = performance.now();
  const bytes = (inbound?.bytesReceived ?? 0) + (audioIn?.bytesReceived ?? 0);
  const frames = inbound?.framesDecoded ?? 0;
  if (lastSample && lastSample.pc === owner) {
    const seconds = (now - lastSample.at) / 1000;
    stats.bitrateBps = seconds > 0 ? Math.max(0, (bytes - lastSample.bytes) * 8 / seconds) : 0;
    if (frames > lastSample.frames) lastFrameAt = now;
  } else {
    lastFrameAt = now;
  }
  lastSample = { pc: owner, at: now, bytes, frames };
  const received = inbound?.packetsReceived ?? 0;
  const lost = Math.max(0, inbound?.packetsLost ?? 0);
  Object.assign(stats, {
    width: inbound?.frameWidth ?? 0,
    height: inbound?.frameHeight ?? 0,
    fps: inbound?.framesPerSecond ?? 0,
    lossPercent: received + lost > 0 ? (100 * lost) / (received + lost) : 0,
    jitterMs: (inbound?.jitter ?? 0) * 1000,
    rttMs: pair?.currentRoundTripTime != null ? pair.currentRoundTripTime * 1000 : null,
    framesDecoded: frames,
  });
  renderStats();
  const wasStalled = stalled;
  stalled = owner.connectionState === 'connected' && now - lastFrameAt > STALL_MS;
  if (stalled && (state === 'playing' || (state === 'connecting' && frames > 0))) setState('not-live');
  else if (wasStalled && !stalled) notePlaying();
}

function renderStats() {
  const text = (id, value) => { document.getElementById(id).textContent = value; };
  text('stat-resolution', stats.width ? `${stats.width}×${stats.height}` : '–');
  text('stat-fps', stats.width ? `${Math.round(stats.fps)} fps` : '–');
  text('stat-bitrate', stats.bitrateBps != null ? formatBitrate(stats.bitrateBps) : '–');
  text('stat-loss', `${stats.lossPercent.toFixed(1)} %`);
  text('stat-jitter', `${Math.round(stats.jitterMs)} ms`);
  text('stat-rtt', stats.rttMs != null ? `${Math.round(stats.rttMs)} ms` : '–');
}

function formatBitrate(bps) {
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`;
}

setInterval(() => { sampleStats().catch(() => {}); }, STATS_INTERVAL_MS);

// The quality picker ("Auto" or one of the stream's layers), on the session's WHEP layer API.
const layerPicker = createLayerPicker(() => sessionUrl, formatBitrate);

function toggleStats() {
  statsPanel.hidden = !statsPanel.hidden;
  statsToggle.setAttribute('aria-expanded', String(!statsPanel.hidden));
  statsToggle.textContent = statsPanel.hidden ? 'Stats' : 'Hide stats';
}
statsToggle.addEventListener('click', toggleStats);

// The gateway says which streams it carries; with more than one, the viewer may switch.
async function loadGatewayStatus() {
  try {
    const response = await fetch('/api/status', { cache: 'no-store' });
    if (!response.ok) return;
    const status = await response.json();
    document.getElementById('stat-gateway').textContent = status.name ? `${status.name} (${location.host})` : location.host;
    const names = (status.streams ?? []).map((s) => s.name);
    if (names.length > 1 || (names.length === 1 && names[0] !== streamName)) {
      const current = [...picker.options].map((o) => o.value).join('\n');
      if (current !== names.join('\n')) {
        picker.replaceChildren(...names.map((n) => new Option(n, n, n === streamName, n === streamName)));
      }
      pickerLabel.hidden = false;
    }
  } catch {
    // The gateway is unreachable; the session's own retry says so.
  }
}
picker.addEventListener('change', () => {
  const next = new URL(location.href);
  next.searchParams.set('stream', picker.value);
  location.assign(next.href);
});
document.getElementById('stat-gateway').textContent = location.host;
loadGatewayStatus();
setInterval(loadGatewayStatus, 10_000);

if (document.pictureInPictureEnabled) {
  pipButton.hidden = false;
  pipButton.addEventListener('click', () => {
    const request = document.pictureInPictureElement ? document.exitPictureInPicture()
      : video.requestPictureInPicture();
    request.catch(() => {});
  });
}

const stage = document.getElementById('stage');
function toggleFullscreen() {
  const request = document.fullscreenElement ? document.exitFullscreen() : stage.requestFullscreen();
  request?.catch?.(() => {});
}
fullscreenButton.addEventListener('click', toggleFullscreen);
document.addEventListener('fullscreenchange', () => {
  fullscreenButton.textContent = document.fullscreenElement ? 'Leave full screen' : 'Full screen';
});
video.addEventListener('dblclick', toggleFullscreen);

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  if (event.key === 's') toggleStats();
  else if (event.key === 'm') unmuteButton.click();
  else if (event.key === 'f') toggleFullscreen();
});

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
  get stats() { return { ...stats }; },
  get layers() { return layerPicker.layers; },
  chooseLayer: (encodingId) => layerPicker.choose(encodingId),
};

updateUnmuteLabel();
setState('connecting');
connect();
