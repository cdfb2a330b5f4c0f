// The admin page's words for the video layers each gateway receives (issue 23): per stream, each
// layer the catalog lists, top layer first, whether the gateway has joined its group and how many
// of its viewers are on it, from the gateway's heartbeat as the bridge's registry keeps it
// (`layers` of a gateway in the bridge's /api/status). A pure function, tested without a browser.

function viewersText(n) {
  return `${n} viewer${n === 1 ? '' : 's'}`;
}

/** "f 1280x720 joined, 3 viewers", "q 320x180 not joined" (a size only once the bridge measured it). */
export function layerText(layer) {
  const size = layer.width > 0 && layer.height > 0 ? ` ${layer.width}x${layer.height}` : '';
  const state = layer.joined ? 'joined' : 'not joined';
  // A layer not joined has no viewers but for a moment (a switch under way, or the unicast copy).
  const viewers = layer.joined || layer.viewers > 0 ? `, ${viewersText(layer.viewers)}` : '';
  return `${layer.rid}${size} ${state}${viewers}`;
}

/** One line per stream: "main: f 1280x720 joined, 3 viewers · h 640x360 joined, 1 viewer · q 320x180 not joined". */
export function layersLines(streams) {
  return (streams ?? []).map((s) => `${s.stream}: ${[...(s.layers ?? [])].reverse().map(layerText).join(' · ')}`);
}
