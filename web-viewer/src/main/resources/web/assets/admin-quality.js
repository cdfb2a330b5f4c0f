// The admin page's words for how each gateway gets each stream (multicast, or a unicast copy from
// the bridge, and why) and what its viewers see (freezes, stalls, join times, loss), and the lines
// that need an admin's attention. Pure functions of the bridge's and gateways' /api/status, so
// they are tested without a browser (e2e/tests/admin-quality.test.mjs).

/** Why a gateway's stream is not on multicast, in words an IT admin can act on. */
export function reasonText(reason, gateway) {
  switch (reason) {
    case 'start_timeout':
      return 'multicast never arrived: no route into this subnet, a TTL too small, or the group filtered?';
    case 'lost':
      return 'multicast stopped arriving mid-stream: a router, switch or firewall change?';
    case 'querier_suspect':
      return `multicast stopped about 260 s after the join: no IGMP querier on the VLAN of gateway ${gateway}?`;
    default:
      return reason ? `reason: ${reason}` : '';
  }
}

/** "14:02:01" for an ISO time, in the admin's own time zone. */
export function clock(iso, locale) {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '?' : at.toLocaleTimeString(locale, { hour12: false });
}

/** "4 min" / "35 s" from ms. */
export function duration(ms) {
  if (!(ms >= 0)) return '';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

const COPY_GRACE_MS = 8000;
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:.]*:[0-9a-f:.]*)$/i;

/**
 * A stream's delivery at a gateway: { text, detail, level } with level ok (multicast), warn
 * (unicast copy running, or returning) or bad (unicast asked for, and the bridge runs no copy).
 * `relay` is the bridge's relay for this gateway and stream, if any.
 */
export function deliveryText(delivery, gateway, { relay, now = Date.now(), locale } = {}) {
  if (!delivery) return { text: '–', detail: '', level: '' };
  const since = `since ${clock(delivery.since, locale)} (${duration(now - Date.parse(delivery.since))})`;
  if (delivery.mode === 'multicast') {
    const detail = delivery.fallbacks > 0 ? `back on multicast ${since}; ${delivery.fallbacks} fallback(s) so far` : '';
    return { text: 'multicast', detail, level: 'ok' };
  }
  if (delivery.mode === 'returning') {
    return { text: 'returning to multicast', detail: `multicast is back ${since}; the unicast copy runs until it holds`, level: 'warn' };
  }
  const why = reasonText(delivery.reason, gateway);
  // The bridge's list is a few seconds older than the gateway's status: a fresh fallback is given time.
  if (delivery.mode === 'unicast' && relay === null && now - Date.parse(delivery.since) > COPY_GRACE_MS) {
    return { text: `waiting for a unicast copy ${since}`, detail: `the bridge runs no copy for it (relays.max reached?); ${why}`, level: 'bad' };
  }
  return { text: `${delivery.mode} ${since}`, detail: why, level: 'warn' };
}

function number(value, digits = 0) {
  return value == null ? '–' : Number(value).toFixed(digits);
}

/**
 * What a stream's viewers report (the gateway's viewerQuality, last 5 minutes) as table cells:
 * viewers reporting, freezes, longest stall, join p50 / p95, viewers' own loss.
 */
export function qualityCells(q) {
  if (!q) return { reporting: '–', freezes: '–', stall: '–', join: '–', loss: '–', level: {} };
  const freezes = q.viewerMinutes > 0
    ? `${q.freezes} (${number(q.freezeSeconds, 1)} s) in ${number(q.viewerMinutes, 1)} viewer-min`
      + (q.freezesPerViewerMinute != null && q.viewerMinutes >= 1 ? `: ${number(q.freezesPerViewerMinute, 2)}/viewer-min` : '')
    : (q.freezes > 0 ? `${q.freezes}` : '–');
  return {
    reporting: String(q.reporting ?? 0),
    freezes,
    stall: q.longestStallMs == null ? '–' : `${q.longestStallMs} ms`,
    join: q.joins > 0 ? `${q.joinP50Ms} / ${q.joinP95Ms} ms (${q.joins})` : '–',
    loss: q.lossPercent == null ? '–' : `${number(q.lossPercent, 2)} %`,
    level: {
      freezes: q.freezesPerViewerMinute > 0.5 && q.viewerMinutes >= 1 ? 'bad' : q.freezes > 0 ? 'warn' : '',
      stall: q.longestStallMs >= 2000 ? 'bad' : q.longestStallMs >= 700 ? 'warn' : '',
      join: q.joinP95Ms >= 3000 ? 'warn' : '',
      loss: q.lossPercent >= 2 ? 'warn' : '',
    },
  };
}

/** The address a relay goes to, without its port and brackets. */
const relayHost = (r) => r.gateway.slice(0, r.gateway.lastIndexOf(':')).replace(/^\[|\]$/g, '');

/** The IP address a gateway's URL names, or null for a host name (relays name addresses only). */
function gatewayHost(gatewayUrl) {
  let host;
  try {
    host = new URL(gatewayUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
  return IP_LITERAL.test(host) ? host : null;
}

/**
 * The bridge's relay of `stream` to the gateway at `gatewayUrl` (relays name the address they go
 * to): the relay, null when there is none, undefined when the URL names no address to compare.
 */
export function relayFor(relays, gatewayUrl, stream) {
  const host = gatewayHost(gatewayUrl);
  if (host == null) return undefined;
  return relays.find((r) => r.stream === stream && relayHost(r) === host) ?? null;
}

/** The bridge's relays to the gateway at `gatewayUrl` (none where its URL names no address). */
export function relaysOf(relays, gatewayUrl) {
  const host = gatewayHost(gatewayUrl);
  return host == null ? [] : relays.filter((r) => relayHost(r) === host);
}

/** The bridge's relays to addresses that no gateway's URL names (gateways known by host name). */
export function otherRelays(relays, gateways) {
  const hosts = new Set(gateways.map((g) => gatewayHost(g.url)).filter(Boolean));
  return relays.filter((r) => !hosts.has(relayHost(r)));
}

/** One relay as the Gateways table says it: "main since 14:02:01 (lost)". */
export function relayText(r, locale) {
  return `${r.stream} since ${clock(r.since, locale)} (${r.reason})`;
}

/**
 * The lines that need attention: relays.max reached, and each gateway's stream that is not on
 * multicast with its reason. `statuses`: gateway name -> its /api/status (or undefined).
 * `refusedGrewAt`: when the page last saw relaysRefused grow (ms), to tell now from long ago.
 */
export function alerts(bridge, gateways, statuses, { now = Date.now(), refusedGrewAt = null, locale } = {}) {
  const out = [];
  const relays = bridge.relays ?? [];
  if (bridge.relaysRefused > 0) {
    const full = bridge.relaysMax != null && relays.length >= bridge.relaysMax;
    const recent = refusedGrewAt != null && now - refusedGrewAt < 60_000;
    out.push({
      level: full || recent ? 'bad' : 'warn',
      text: `relays.max (${bridge.relaysMax ?? '?'}) reached: the bridge refused ${bridge.relaysRefused} request(s) for a unicast copy`
        + ` since it started${recent ? ', the last within a minute' : ''}; ${relays.length} cop${relays.length === 1 ? 'y runs' : 'ies run'}.`
        + ' Gateways without a copy have no picture: make multicast reach their subnets, or raise relays.max.',
    });
  }
  for (const g of gateways) {
    for (const s of statuses.get(g.name)?.streams ?? []) {
      const d = s.delivery;
      if (!d || d.mode === 'multicast') continue;
      const shown = deliveryText(d, g.name, { relay: relayFor(relays, g.url, s.name), now, locale });
      out.push({ level: shown.level, text: `${g.name} (${g.subnet}), stream ${s.name}: ${shown.text}; ${shown.detail}` });
    }
  }
  return out;
}
