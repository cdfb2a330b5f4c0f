// The broadcast page: publishes camera and microphone to this bridge over WHIP.
import { negotiate, endSession } from './whip-whep.js';

const TOKEN_KEY = 'lancast.token';

const preview = document.getElementById('preview');
const streamField = document.getElementById('stream');
const tokenField = document.getElementById('token');
const goLiveButton = document.getElementById('golive');
const stopButton = document.getElementById('stop');
const statusLine = document.getElementById('status');

let media = null;
let pc = null;
let sessionUrl = null;
let token = '';
let state = '';

streamField.value = new URLSearchParams(location.search).get('stream') || 'main';
tokenField.value = sessionStorage.getItem(TOKEN_KEY) || '';
tokenField.addEventListener('change', () => sessionStorage.setItem(TOKEN_KEY, tokenField.value));

function setState(next, message) {
  state = next;
  statusLine.dataset.state = next;
  statusLine.textContent = message;
  const busy = next === 'connecting' || next === 'live';
  goLiveButton.disabled = busy || next === 'starting';
  stopButton.disabled = !busy;
  streamField.disabled = busy;
}

async function openCamera() {
  try {
    media = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
      audio: true,
    });
    preview.srcObject = media;
    setState('idle', 'ready: camera and microphone on');
  } catch (err) {
    setState('no-camera', `camera or microphone unavailable: ${err.message}`);
  }
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

async function goLive() {
  if (!media) await openCamera();
  if (!media) return;
  const stream = streamField.value.trim();
  if (!stream) {
    setState('error', 'enter a stream name');
    return;
  }
  token = tokenField.value;
  sessionStorage.setItem(TOKEN_KEY, token);
  setState('connecting', `connecting to ${stream}…`);

  const next = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  pc = next;
  for (const track of media.getTracks()) {
    const transceiver = next.addTransceiver(track, { direction: 'sendonly', streams: [media] });
    preferCodec(transceiver, track.kind, track.kind === 'video' ? 'video/vp8' : 'audio/opus');
  }
  next.addEventListener('connectionstatechange', () => {
    if (pc !== next) return;
    if (next.connectionState === 'connected') setState('live', `live on ${stream}`);
    else if (next.connectionState === 'failed') stop('error', 'connection to the bridge failed');
  });

  try {
    const url = await negotiate(next, `/whip/${encodeURIComponent(stream)}`, { token });
    if (pc !== next) {
      endSession(url, { token });
      return;
    }
    sessionUrl = url;
  } catch (err) {
    if (pc === next) stop('error', `could not go live: ${err.message}`);
  }
}

function stop(nextState = 'stopped', message = 'stopped') {
  pc?.close();
  pc = null;
  endSession(sessionUrl, { token });
  sessionUrl = null;
  setState(nextState, message);
}

goLiveButton.addEventListener('click', goLive);
stopButton.addEventListener('click', () => stop());
window.addEventListener('pagehide', () => {
  if (pc) stop();
});

window.lancastBroadcast = {
  get pc() { return pc; },
  get state() { return state; },
  get sessionUrl() { return sessionUrl; },
};

setState('starting', 'opening camera and microphone…');
openCamera();
