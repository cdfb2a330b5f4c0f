// The broadcast page: publishes a camera, a microphone or a screen to this bridge over WHIP,
// shows what it sends and how many watch, and publishes again by itself, with backoff, when its
// session fails or the bridge goes away, until the person presses Stop.
import { negotiate, endSession } from './whip-whep.js';

const TOKEN_KEY = 'lancast.token';
const DISCONNECTED_GRACE_MS = 3000;
const RETRY_FIRST_MS = 1000;
// On a LAN a bridge that comes back should have its broadcaster within seconds (a try is one
// WHIP POST): the same cap as `lancast send`.
const RETRY_MAX_MS = 4000;
const STATS_INTERVAL_MS = 1000;
const VIEWERS_INTERVAL_MS = 3000;
const WIDTH_OF_HEIGHT = { 1080: 1920, 720: 1280, 480: 854, 360: 640 };

const preview = document.getElementById('preview');
const sourceField = document.getElementById('source');
const resolutionField = document.getElementById('resolution');
const bitrateField = document.getElementById('bitrate');
const streamField = document.getElementById('stream');
const tokenField = document.getElementById('token');
const goLiveButton = document.getElementById('golive');
const stopButton = document.getElementById('stop');
const statusLine = document.getElementById('status');
const liveBadge = document.getElementById('live-badge');
const viewerLink = document.getElementById('viewer-link');
const qrBox = document.getElementById('qr');

let media = null;
let pc = null;
let sessionUrl = null;
let token = '';
let state = '';
let wanted = false; // the person pressed Go live and not Stop: failures lead to publishing again
let attempt = 0; // failures since the last live session; drives the backoff
let publishes = 0; // sessions that reached 'connected'
let retryTimer = null;
let disconnectedTimer = null;
let qr = null;
let layerCount = 1; // video layers sent in the current session (simulcast when more than one)
const stats = { bitrateBps: null, width: 0, height: 0, fps: 0, viewers: null };

streamField.value = new URLSearchParams(location.search).get('stream') || 'main';
tokenField.value = sessionStorage.getItem(TOKEN_KEY) || '';
tokenField.addEventListener('change', () => sessionStorage.setItem(TOKEN_KEY, tokenField.value));

function setState(next, message) {
  state = next;
  statusLine.dataset.state = next;
  statusLine.textContent = message;
  const busy = next === 'connecting' || next === 'live' || next === 'reconnecting';
  goLiveButton.disabled = busy || next === 'starting';
  stopButton.disabled = !busy;
  for (const field of [streamField, sourceField, resolutionField]) field.disabled = busy;
  liveBadge.dataset.live = String(next === 'live');
  liveBadge.textContent = next === 'live' ? 'LIVE' : next === 'reconnecting' ? 'reconnecting' : 'offline';
}

function constraints() {
  const height = Number(resolutionField.value);
  return { width: { ideal: WIDTH_OF_HEIGHT[height] }, height: { ideal: height }, frameRate: { ideal: 30 } };
}

async function openMedia() {
  media?.getTracks().forEach((t) => t.stop());
  media = null;
  preview.srcObject = null;
  const source = sourceField.value;
  setState('starting', 'opening the source…');
  try {
    if (source === 'screen') {
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: constraints(), audio: false });
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true }).catch(() => null);
      media = new MediaStream([...screen.getVideoTracks(), ...(mic?.getAudioTracks() ?? [])]);
    } else {
      media = await navigator.mediaDevices.getUserMedia({
        video: source === 'microphone' ? false : constraints(),
        audio: source !== 'camera-only',
      });
    }
    preview.srcObject = media;
    const kinds = media.getTracks().map((t) => (t.kind === 'video' ? (source === 'screen' ? 'screen' : 'camera') : 'microphone'));
    setState('idle', `ready: ${kinds.join(' and ')} on`);
  } catch (err) {
    media = null;
    setState('no-camera', describeMediaError(err));
  }
}

function describeMediaError(err) {
  if (err.name === 'NotAllowedError') {
    return 'the browser refused the camera or microphone: allow it in the site settings, then choose the source again';
  }
  if (err.name === 'NotFoundError') return 'no such device: choose another source';
  if (err.name === 'NotReadableError') return 'the device is in use by another program';
  return `camera or microphone unavailable: ${err.message}`;
}

// Puts `mimeType` first; the bridge forwards codecs untouched, so the choice reaches every viewer.
function preferCodec(transceiver, kind, mimeType) {
  if (typeof transceiver.setCodecPreferences !== 'function') return;
  const codecs = RTCRtpSender.getCapabilities?.(kind)?.codecs ?? [];
  const preferred = codecs.filter((c) => c.mimeType.toLowerCase() === mimeType);
  if (preferred.length === 0) return;
  const others = codecs.filter((c) => c.mimeType.toLowerCase() !== mimeType);
  try {
    transceiver.setCodecPreferences([...preferred, ...others]);
  } catch {
    // Browser-specific capability mismatches: keep the default order.
  }
}

// The bitrate preset caps the (top) layer: with simulcast the lower layers keep the browser's rates.
async function applyBitrate() {
  const sender = pc?.getSenders().find((s) => s.track?.kind === 'video');
  if (!sender) return;
  const parameters = sender.getParameters();
  if (!parameters.encodings?.length) parameters.encodings = [{}];
  parameters.encodings[parameters.encodings.length - 1].maxBitrate = Number(bitrateField.value);
  if (parameters.encodings.length > 1) parameters.degradationPreference = 'maintain-resolution';
  await sender.setParameters(parameters).catch(() => {});
}

// How many video layers the bridge takes for a stream (its catalog lists one video track per layer).
async function layersOf(stream) {
  try {
    const catalog = await (await fetch('/api/streams', { cache: 'no-store' })).json();
    const entry = catalog.streams?.find((s) => s.name === stream);
    return entry?.tracks?.filter((t) => t.kind === 'video').length || 1;
  } catch {
    return 1;
  }
}

// Simulcast encodings for a stream with layers, lowest first (layer 0 is the bridge's first): each
// half the size of the next, so gateways can give every viewer the best picture its link carries.
// Sizes are kept and frames dropped under load, so a layer stays the size viewers were promised.
function simulcastEncodings(layers) {
  return Array.from({ length: layers }, (_, i) => ({ rid: `l${i}`, scaleResolutionDownBy: 2 ** (layers - 1 - i) }));
}

async function goLive() {
  if (!media) await openMedia();
  if (!media) return;
  const stream = streamField.value.trim();
  if (!stream) {
    setState('error', 'enter a stream name');
    return;
  }
  token = tokenField.value;
  sessionStorage.setItem(TOKEN_KEY, token);
  wanted = true;
  attempt = 0;
  publish(stream);
}

async function publish(stream) {
  clearTimeout(retryTimer);
  setState(attempt === 0 ? 'connecting' : 'reconnecting', attempt === 0 ? `connecting to ${stream}…`
    : `publishing ${stream} again (attempt ${attempt + 1})…`);
  const layers = await layersOf(stream);
  const next = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  pc = next;
  for (const track of media.getTracks()) {
    const init = { direction: 'sendonly', streams: [media] };
    if (track.kind === 'video' && layers > 1) init.sendEncodings = simulcastEncodings(layers);
    const transceiver = next.addTransceiver(track, init);
    preferCodec(transceiver, track.kind, track.kind === 'video' ? 'video/vp8' : 'audio/opus');
  }
  layerCount = layers;
  next.addEventListener('connectionstatechange', () => {
    if (pc !== next) return;
    switch (next.connectionState) {
      case 'connected':
        clearTimeout(disconnectedTimer);
        attempt = 0;
        publishes += 1;
        setState('live', `live on ${stream}`);
        applyBitrate();
        break;
      case 'disconnected':
        // Often a brief hiccup that ICE recovers from by itself.
        clearTimeout(disconnectedTimer);
        disconnectedTimer = setTimeout(() => {
          if (pc === next && next.connectionState === 'disconnected') republish(stream, 'connection to the bridge lost');
        }, DISCONNECTED_GRACE_MS);
        break;
      case 'failed':
        republish(stream, 'connection to the bridge failed');
        break;
      default:
        break;
    }
  });

  try {
    const url = await negotiate(next, `/whip/${encodeURIComponent(stream)}`, { token });
    if (pc !== next) {
      endSession(url, { token });
      return;
    }
    sessionUrl = url;
    watchDtls(next, stream);
  } catch (err) {
    if (pc !== next) return;
    // These the same request cannot fix: say so and wait for the person.
    if (err.status === 401) giveUp('unauthorized', `wrong token: the bridge refused it (${err.reason})`);
    else if (err.status === 404) giveUp('error', `no stream named '${stream}' on this bridge`);
    else if (err.status >= 400 && err.status < 500 && err.status !== 429) giveUp('error', `could not go live: ${err.message}`);
    // The bridge is away (fetch rejects with a TypeError), restarting or full: try again.
    else republish(stream, err instanceof TypeError ? 'the bridge does not answer' : err.message, err.retryAfterSeconds);
  }
}

// A DTLS close_notify means the bridge ended the session (another broadcaster took over, or it
// is shutting down); ICE alone would notice only seconds later.
function watchDtls(owner, stream) {
  const dtls = owner.getTransceivers()[0]?.sender.transport;
  dtls?.addEventListener('statechange', () => {
    if (pc === owner && (dtls.state === 'closed' || dtls.state === 'failed')) {
      republish(stream, 'the bridge ended the session');
    }
  });
}

function republish(stream, reason, retryAfterSeconds = null) {
  teardown();
  if (!wanted) return;
  const delay = Math.max(Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS), (retryAfterSeconds ?? 0) * 1000);
  attempt += 1;
  setState('reconnecting', `${reason}; publishing again in ${Math.round(delay / 1000)} s`);
  retryTimer = setTimeout(() => resume(stream), delay);
}

// Before publishing again, asks the bridge whether someone else is live on the stream now: a
// broadcaster that took over must not be pushed off by this page coming back.
async function resume(stream) {
  if (!wanted) return;
  let status;
  try {
    const response = await fetch('/api/status', { cache: 'no-store' });
    status = await response.json();
  } catch {
    republish(stream, 'the bridge does not answer');
    return;
  }
  if (!wanted) return;
  if (status.streams?.find((s) => s.name === stream)?.live) {
    wanted = false;
    setState('replaced', `another broadcaster is live on ${stream}; press Go live to take over`);
    return;
  }
  publish(stream);
}

function giveUp(nextState, message) {
  wanted = false;
  teardown();
  setState(nextState, message);
}

function teardown() {
  clearTimeout(retryTimer);
  clearTimeout(disconnectedTimer);
  const old = pc;
  pc = null;
  old?.close();
  endSession(sessionUrl, { token });
  sessionUrl = null;
}

function stop() {
  wanted = false;
  teardown();
  setState('stopped', 'stopped');
}

// Once a second: what the browser sends.
let lastSample = null;
async function sampleStats() {
  const owner = pc;
  if (!owner || owner.connectionState !== 'connected') {
    lastSample = null;
    stats.bitrateBps = null;
    renderStats();
    return;
  }
  let bytes = 0;
  let video = null;
  for (const s of (await owner.getStats()).values()) {
    if (s.type === 'outbound-rtp') {
      bytes += s.bytesSent ?? 0;
      // With simulcast there is one per layer: the stats show the largest.
      if (s.kind === 'video' && (s.frameWidth ?? 0) >= (video?.frameWidth ?? 0)) video = s;
    }
  }
  const now = performance.now();
  if (lastSample?.pc === owner) stats.bitrateBps = Math.max(0, ((bytes - lastSample.bytes) * 8 * 1000) / (now - lastSample.at));
  lastSample = { pc: owner, at: now, bytes };
  stats.width = video?.frameWidth ?? 0;
  stats.height = video?.frameHeight ?? 0;
  stats.fps = video?.framesPerSecond ?? 0;
  renderStats();
}

// Every few seconds: viewers on the gateways that carry the stream, from the bridge's registry.
async function sampleViewers() {
  try {
    const status = await (await fetch('/api/status', { cache: 'no-store' })).json();
    const stream = streamField.value.trim();
    stats.viewers = (status.gateways ?? []).filter((g) => g.streams?.includes(stream))
      .reduce((sum, g) => sum + (g.viewers ?? 0), 0);
  } catch {
    stats.viewers = null;
  }
  renderStats();
}

function renderStats() {
  const text = (id, value) => { document.getElementById(id).textContent = value; };
  const bps = stats.bitrateBps;
  text('stat-bitrate', bps == null ? '–' : bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`);
  text('stat-resolution', stats.width && bps != null ? `${stats.width}×${stats.height}` : '–');
  text('stat-fps', stats.width && bps != null ? `${Math.round(stats.fps)} fps` : '–');
  text('stat-viewers', stats.viewers == null ? '–' : String(stats.viewers));
}

// The portal link (the bridge sends each viewer to a gateway near them), as text and QR code.
function updateShare() {
  const stream = streamField.value.trim() || 'main';
  const link = new URL(`/watch/${encodeURIComponent(stream)}`, location.href).href;
  viewerLink.href = link;
  viewerLink.textContent = link;
  document.getElementById('loopback-hint').hidden = !/^(127\.|localhost$|\[::1\]$)/.test(location.hostname);
  if (typeof globalThis.QRCode !== 'function') return;
  if (!qr) {
    qr = new globalThis.QRCode(qrBox, { text: link, width: 128, height: 128, correctLevel: globalThis.QRCode.CorrectLevel.M });
  } else {
    qr.clear();
    qr.makeCode(link);
  }
  // The box is the labelled image; the library's own img and canvas are its drawing.
  for (const child of qrBox.querySelectorAll('img, canvas')) child.setAttribute('alt', '');
}

goLiveButton.addEventListener('click', goLive);
stopButton.addEventListener('click', stop);
bitrateField.addEventListener('change', applyBitrate);
streamField.addEventListener('input', updateShare);
for (const field of [sourceField, resolutionField]) field.addEventListener('change', openMedia);
window.addEventListener('pagehide', () => {
  if (pc || wanted) stop();
});
setInterval(() => { sampleStats().catch(() => {}); }, STATS_INTERVAL_MS);
setInterval(sampleViewers, VIEWERS_INTERVAL_MS);

window.lancastBroadcast = {
  get pc() { return pc; },
  get state() { return state; },
  get sessionUrl() { return sessionUrl; },
  get publishes() { return publishes; },
  get stats() { return { ...stats }; },
  get layers() { return layerCount; },
};

updateShare();
sampleViewers();
openMedia();
