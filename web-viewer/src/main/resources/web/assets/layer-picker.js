// The viewer page's quality picker: the stream's layers from the gateway's WHEP layer API on the
// session's URL (GET {session}/layer), "Auto" to let the gateway choose from this browser's
// feedback, or one layer to ask for that picture whatever the link (POST {session}/layer).

const LAYERS_INTERVAL_MS = 2000;

/** Wires the picker in the page; sessionUrl() gives the current WHEP session (null between sessions). */
export function createLayerPicker(sessionUrl, formatBitrate) {
  const label = document.getElementById('layer-label');
  const select = document.getElementById('layer-picker');
  let layers = { auto: true, current: null, layers: [] };

  function layerName(l) {
    const size = l.width ? `${l.width}×${l.height}` : `layer ${l.encodingId}`;
    return l.bitrate ? `${size} · ${formatBitrate(l.bitrate)}` : size;
  }

  async function load() {
    const url = sessionUrl();
    if (!url) return;
    try {
      const response = await fetch(`${url}/layer`, { cache: 'no-store' });
      if (!response.ok || url !== sessionUrl()) return;
      layers = await response.json();
    } catch {
      return;
    }
    const options = [new Option('Auto', '', false, layers.auto),
      ...layers.layers.slice().reverse().map((l) => new Option(layerName(l), l.encodingId, false,
        !layers.auto && l.encodingId === layers.current))];
    const key = (list) => list.map((o) => `${o.value}:${o.text}:${o.selected}`).join('\n');
    if (document.activeElement !== select && key([...select.options]) !== key(options)) {
      select.replaceChildren(...options);
    }
    label.hidden = layers.layers.length < 2;
    const current = layers.layers.find((l) => l.encodingId === layers.current);
    document.getElementById('stat-layer').textContent = current
      ? `${layerName(current)}${layers.auto ? ' (auto)' : ''}` : '–';
  }

  async function choose(encodingId) {
    const url = sessionUrl();
    if (!url) return;
    try {
      await fetch(`${url}/layer`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(encodingId ? { encodingId } : {}) });
    } catch {
      // The session's own retry says what is wrong.
    }
    load();
  }

  select.addEventListener('change', () => choose(select.value));
  setInterval(() => { load().catch(() => {}); }, LAYERS_INTERVAL_MS);
  return {
    get layers() { return layers; },
    choose,
    /** A new session: the choice made in the last one (if not Auto) is asked for again. */
    sessionStarted() {
      if (select.value) choose(select.value);
    },
  };
}
