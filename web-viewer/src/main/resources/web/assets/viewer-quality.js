// What the viewer page tells its gateway of its own playback, so that the bridge's admin page shows
// per subnet what viewers see (docs/operations.md, "The admin page"): the browser's freeze counts
// (WebRTC freezeCount, totalFreezesDuration), the longest gap between frames on screen, its video
// packets lost and received, and once its join time (WHEP answer to first frame). Sent on the
// session's own URL (its capability) at the first frame and every 10 s; counts are the session's
// totals, so a report that gets lost loses nothing but its stall figure.
export const REPORT_MS = 10_000;

export async function reportQuality(session) {
  if (!session || session.closed || !session.sessionUrl || session.joinMs == null || session.qualityOff) return;
  let video = null;
  try {
    for (const s of (await session.pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'video') video = s;
    }
  } catch {
    return; // closed meanwhile
  }
  const body = {
    freezes: video?.freezeCount ?? 0,
    freezeMs: Math.round((video?.totalFreezesDuration ?? 0) * 1000),
    stallMs: session.takeLongestStall(),
    lost: Math.max(0, video?.packetsLost ?? 0),
    received: video?.packetsReceived ?? 0,
  };
  if (!session.joinReported) body.joinMs = session.joinMs;
  let response = null;
  try {
    response = await fetch(`${session.sessionUrl}/quality`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
  } catch {
    // The gateway does not answer now; the watchdog deals with that.
  }
  if (response?.ok) {
    session.qualityReports = (session.qualityReports ?? 0) + 1;
    if ('joinMs' in body) session.joinReported = true;
    session.lastQualityReport = body;
    return;
  }
  session.longestStall = Math.max(session.longestStall, body.stallMs); // for the next report
  // The session ended, or a gateway without quality reports (an older version): stop asking it.
  if (response && [400, 404, 405, 415].includes(response.status)) session.qualityOff = true;
}
