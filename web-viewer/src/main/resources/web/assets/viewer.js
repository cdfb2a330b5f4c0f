// The viewer page: plays one stream over WHEP and keeps playing across session failures, says
// what is going on (connecting, moving, waiting for the broadcast), shows playback statistics, and
// offers the other streams its gateway carries.
// Failover (docs/operations.md, "Gateway failover"): the page watches its frames; when they stall
// it asks its gateway (GET /api/peers), and when the gateway refuses or does not answer it plays
// from another gateway of the subnet that it learnt of up front, connecting the new session behind
// the picture and showing it at its first frame; no reload. A draining gateway says so in the same
// answer, and the page moves at a random moment within the spread it gives (make-before-break).
// A stream that needs a viewer token gets it from the URL fragment (#token=...; a legacy ?token= is
// read too), keeps it in sessionStorage, takes it out of the address bar, and sends it only as a
// Bearer token: never in a query string, which servers and proxies log.
import { PlaySession, standbyVideo } from './viewer-session.js';
import { ViewerToken } from './viewer-token.js';
import { Gateways } from './viewer-gateways.js';
import { PlaybackStats, formatBitrate } from './viewer-stats.js';
import { setUpControls, setUpStreamPicker } from './viewer-controls.js';
import { REPORT_MS, reportQuality } from './viewer-quality.js';
import { createLayerPicker } from './layer-picker.js';

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 5000;
const WATCH_MS = 100;
// No frame for this long: ask the gateway whether it is still there.
const STALL_PROBE_MS = 500;
// No frame for this long while the gateway answers: the broadcast paused or ended (the session stays).
const STALL_MS = 3000;
const PEERS_POLL_MS = 1000;
// Probes in a row without an answer in time (a dead host, or a busy one) before the page moves to
// a peer; and before it leaves for the portal (a reload) when it knows no peer: a gateway starved
// by its host (seen for 6 s and more on a loaded machine) must not send its viewers away.
const SLOW_PROBES = 3;
const PORTAL_PROBES = 15;
const PORTAL_AFTER_FAILURES = 2;
// ICE 'disconnected' while the gateway answers: often a hiccup that ICE recovers from by itself.
const DISCONNECTED_GRACE_MS = 3000;
const STATS_INTERVAL_MS = 1000;

const params = new URLSearchParams(location.search);
const streamName = params.get('stream') || 'main';
const tokens = new ViewerToken(streamName);
let token = tokens.take();
const gateways = new Gateways(streamName, params.get('portal'));

let video = document.getElementById('video');
const stage = document.getElementById('stage');
const stateLine = document.getElementById('state');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token');
const liveBadge = document.getElementById('live-badge');
const stageMessage = document.getElementById('stage-message');
const playOverlay = document.getElementById('play-overlay');

let gatewayUrl = new URL('/', location.href).href; // the gateway we play from, or will try next
let gatewayName = location.host;
let current = null; // the session on screen
let pending = null; // a session being connected behind it
let sessions = 0;
let state = '';
let attempt = 0; // failures since playback last worked; drives the backoff
let retryTimer = null;
let moveTimer = null;
let disconnectedTimer = null;
let asking = false;
let timeouts = 0; // probes of the current gateway in a row that got no answer in time
let lastAskAt = -Infinity;
let moveReason = null;
const moves = [];

document.getElementById('stream-name').textContent = streamName;
document.title = `lancast: ${streamName}`;

function setState(next, detail = '') {
  state = next;
  const label = {
    connecting: 'connecting…',
    playing: 'playing',
    reconnecting: 'reconnecting…',
    moving: 'moving to another gateway…',
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
  if (pending) return; // a move is under way: the state says so until its first frame
  const flowing = current?.pc?.connectionState === 'connected' && !video.paused && video.readyState >= 2
    && current.sinceLastFrame() < STALL_PROBE_MS;
  if (flowing && state !== 'playing') {
    attempt = 0;
    setState('playing', moveReason ?? '');
    moveReason = null;
  }
}

/** Connects to `gateway`; behind the picture when a session is on screen, shown at its first frame. */
async function connect(gateway, why = null) {
  if (pending) return;
  clearTimeout(retryTimer);
  const standby = current != null;
  const element = standby ? standbyVideo(stage, video) : video;
  const session = new PlaySession(gateway, streamName, element, { track: (s) => startPlayback(s.video), trouble });
  const startedAt = Date.now();
  if (standby) pending = session;
  else current = session;
  try {
    await session.start(token);
    if (session.closed) return;
    sessions += 1;
    gatewayUrl = session.gateway;
    layerPicker.sessionStarted(); // a choice made before outlives a reconnection
    if (state === 'not-live' || state === 'not-found') setState('connecting');
    // On screen at once where nothing plays; behind a live picture, once it runs steadily.
    session.firstFrame.then(() => {
      const live = current && current !== session && current.sinceLastFrame() < STALL_PROBE_MS;
      if (!live) show(session, why, startedAt);
      else {
        session.steady.then(() => show(session, why, startedAt));
        const fallback = setInterval(() => {
          if (session !== pending) clearInterval(fallback);
          else if (current.sinceLastFrame() >= STALL_PROBE_MS) show(session, why, startedAt);
        }, WATCH_MS);
      }
    });
  } catch (err) {
    if (session.closed) return;
    console.info(`lancast viewer: ${gateway} refused the offer: ${err.message}`);
    const behind = session === pending;
    drop(session);
    // Asking again with the same credentials cannot help: say so and wait for the person.
    if (err.status === 401) refuse('unauthorized', err.reason);
    else if (err.status === 403) refuse('forbidden', err.reason);
    // A move that failed while the picture still plays (a drain): the next poll tries again.
    else if (behind && current && current.sinceLastFrame() < STALL_PROBE_MS) return;
    else if (err.retryAfterSeconds != null) retry('busy', err.reason, err.retryAfterSeconds * 1000);
    else if (err.status === 503) retry('not-live', err.reason);
    else if (err.status === 404) retry('not-found', err.reason);
    // fetch() rejects with a TypeError when the gateway cannot be reached at all.
    // With no peer to try, the portal only after a second failure in a row (a busy gateway may refuse once).
    else if (err instanceof TypeError || err.status >= 500) {
      failover(`${new URL(gateway).host} does not answer`, gateway, attempt + 1 >= PORTAL_AFTER_FAILURES);
    }
    else retry('reconnecting', err.message);
  }
}

/** The session's first frame: it takes the screen, and the one it replaces ends. */
function show(session, why, startedAt) {
  if (session.closed || (session !== pending && session !== current) || session.shown) return;
  session.shown = true;
  console.info(`lancast viewer: first frame from ${session.gateway}${session === pending ? ', on screen now' : ''}`);
  if (session === pending) {
    const old = current;
    pending = null;
    current = session;
    session.video.classList.remove('standby');
    session.video.removeAttribute('aria-hidden');
    session.video.setAttribute('aria-label', video.getAttribute('aria-label'));
    session.video.id = 'video';
    old.video.remove();
    old.close();
    adoptVideo(session.video);
  }
  reportQuality(session); // its join time, at once
  if (why) {
    moves.push({ reason: why, to: session.gateway, startedAt, firstFrameAt: session.firstFrameEpoch });
    moveReason = `moved to ${new URL(session.gateway).host} (${why})`;
  }
  notePlaying();
}

function drop(session) {
  session.close();
  if (session === pending) {
    pending = null;
    session.video.remove();
  } else if (session === current) {
    current = null;
  }
}

/** ICE or DTLS says a session's path is gone. */
function trouble(session, why) {
  console.info(`lancast viewer: ${session.gateway}: ${why}`);
  if (session === pending) {
    drop(session);
    if (current && current.sinceLastFrame() < STALL_PROBE_MS) return; // the picture plays on; a poll tries again
    failover(why, session.gateway);
  } else if (session === current) {
    if (why === 'connection disconnected') {
      clearTimeout(disconnectedTimer);
      disconnectedTimer = setTimeout(() => {
        if (session === current && !pending && session.pc.connectionState === 'disconnected') retry('reconnecting', why);
      }, DISCONNECTED_GRACE_MS);
    }
    ask(why);
  }
}

/**
 * Asks the current gateway for its peers: no answer means it is gone (move now); a draining one
 * gets the move spread; a gateway that answers but ended our session gets a new one.
 */
async function ask(why) {
  if (asking) return;
  asking = true;
  lastAskAt = performance.now();
  const session = current;
  const gateway = session?.gateway ?? gatewayUrl;
  const answer = await gateways.ask(gateway);
  asking = false;
  if (session !== current) return;
  if (answer.unreachable) {
    // A refused connection is a dead gateway; a slow answer may be a busy one, so only a second
    // in a row counts. Either way only while its frames have stopped: one that never played is
    // the connection attempt's to judge.
    timeouts = answer.unreachable === 'timeout' ? timeouts + 1 : 0;
    const stalled = session && session.frames > 0 && session.sinceLastFrame() >= STALL_PROBE_MS;
    if (stalled && (answer.unreachable === 'refused' || timeouts >= SLOW_PROBES)) {
      failover(`${new URL(gateway).host} stopped answering (${why}: ${answer.unreachable})`, gateway,
        answer.unreachable === 'refused' || timeouts >= PORTAL_PROBES);
    }
    return;
  }
  timeouts = 0;
  if (answer.name) gatewayName = answer.name;
  document.getElementById('stat-gateway').textContent = `${gatewayName} (${new URL(gateway).host})`;
  if (answer.draining && !moveTimer && !pending) {
    const delay = Math.random() * Math.max(0, Number(answer.spreadMs) || 0);
    moveTimer = setTimeout(() => {
      moveTimer = null;
      if (session !== current || pending) return;
      const next = gateways.next(session.gateway);
      // Without a known peer the draining gateway's WHEP endpoint redirects (307) to one.
      connect(next?.url ?? session.gateway, `${gatewayName} is draining`);
    }, delay);
  } else if (why === 'the gateway ended the session' && !answer.draining) {
    retry('reconnecting', why);
  }
}

/**
 * `from` (a gateway) failed: plays from another gateway of the subnet, else asks the portal, else
 * retries. A move already under way to a gateway that has not failed goes on.
 */
function failover(why, from, certain = true) {
  console.info(`lancast viewer: ${why}`);
  if (pending && gateways.usable(pending.gateway) && new URL(pending.gateway).origin !== new URL(from).origin) return;
  const next = gateways.next(from);
  if (next) {
    gateways.markFailed(from);
    setState('moving', `${why}; trying ${next.name ?? new URL(next.url).host}`);
    if (pending) drop(pending);
    connect(next.url, why);
    return;
  }
  if (!certain) { // only slow or refused once so far, and nowhere else to go: try again here
    if (!current) retry('reconnecting', why);
    return;
  }
  gateways.markFailed(from);
  const portal = gateways.portal();
  if (portal) {
    teardown();
    setState('reconnecting', `${why}; asking the portal for another gateway`);
    const target = new URL(`/watch/${encodeURIComponent(streamName)}`, portal);
    // The portal may list a crashed gateway for a few seconds more; it must not send us back there.
    target.searchParams.set('avoid', new URL(from).origin);
    if (token) target.hash = `token=${encodeURIComponent(token)}`;
    location.replace(target.href);
    return;
  }
  retry('reconnecting', why);
}

function retry(nextState, detail, atLeastMs = 0) {
  teardown();
  const delay = Math.max(Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS), atLeastMs);
  attempt += 1;
  setState(nextState, `${detail} (retry in ${Math.round(delay / 1000)} s)`);
  retryTimer = setTimeout(() => connect(gatewayUrl), delay);
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
  tokens.keep(token);
  tokenForm.hidden = true;
  attempt = 0;
  setState('connecting');
  connect(gatewayUrl);
});

function teardown() {
  clearTimeout(retryTimer);
  clearTimeout(moveTimer);
  clearTimeout(disconnectedTimer);
  moveTimer = null;
  if (pending) drop(pending);
  if (current) drop(current);
}

// The frame watchdog: a stall is a question to the gateway, not yet a verdict.
setInterval(() => {
  if (!current || pending) return;
  const since = current.sinceLastFrame();
  if (current.frames > 0 && since > STALL_PROBE_MS && performance.now() - lastAskAt > PEERS_POLL_MS) {
    ask('frames stopped');
  }
  if (current.frames > 0 && since > STALL_MS && state === 'playing') setState('not-live');
  else if (since < STALL_MS) notePlaying();
}, WATCH_MS);

// Once a second the gateway says whether it drains and who its peers are (and that it lives).
setInterval(() => {
  if (performance.now() - lastAskAt >= PEERS_POLL_MS - WATCH_MS) ask('poll');
}, PEERS_POLL_MS);

// Muted autoplay is allowed almost everywhere; where it is not, a button offers to start.
function startPlayback(element = video) {
  element.play().then(() => { if (element === video) playOverlay.hidden = true; }).catch((err) => {
    if (err.name === 'NotAllowedError' && element === video) playOverlay.hidden = false;
  });
}

playOverlay.addEventListener('click', () => {
  playOverlay.hidden = true;
  startPlayback();
});

// The element on screen changes with each move; these follow it.
function adoptVideo(element) {
  video = element;
  video.addEventListener('volumechange', () => controls.updateUnmuteLabel());
  video.addEventListener('dblclick', () => controls.toggleFullscreen());
  for (const type of ['playing', 'loadeddata', 'timeupdate']) video.addEventListener(type, notePlaying);
}

// What the picture on screen went through, told to its gateway for the admin page.
setInterval(() => reportQuality(current), REPORT_MS);

const playbackStats = new PlaybackStats();
setInterval(() => playbackStats.sample(current?.pc).catch(() => {}), STATS_INTERVAL_MS);

// The quality picker ("Auto" or one of the stream's layers), on the session's WHEP layer API.
const layerPicker = createLayerPicker(() => current?.sessionUrl ?? null, formatBitrate);

setUpStreamPicker(streamName);
const controls = setUpControls(() => video, stage);
adoptVideo(video);
window.addEventListener('pagehide', teardown);
// A page restored from the back/forward cache had its session ended by pagehide.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) connect(gatewayUrl);
});

window.lancastViewer = {
  get pc() { return current?.pc ?? null; },
  get state() { return state; },
  get sessions() { return sessions; },
  get sessionUrl() { return current?.sessionUrl ?? null; },
  get stream() { return streamName; },
  get stats() { return { ...playbackStats.values }; },
  get layers() { return layerPicker.layers; },
  chooseLayer: (encodingId) => layerPicker.choose(encodingId),
  /** The gateway the picture comes from now (base URL). */
  get gateway() { return current?.gateway ?? gatewayUrl; },
  /** Each move to another gateway: why, where to, when it began and its first frame (Date.now() ms). */
  get moves() { return moves.map((m) => ({ ...m })); },
  /** The session on screen's join time (WHEP answer to first frame, ms), its quality reports accepted and the last one. */
  get quality() {
    return { joinMs: current?.joinMs ?? null, reports: current?.qualityReports ?? 0, last: current?.lastQualityReport ?? null };
  },
};

controls.updateUnmuteLabel();
setState('connecting');
connect(gatewayUrl);
ask('start');
