package dev.lancast.gateway;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterDescriptor.Kind;

/**
 * The gateway's counters whose counting parts do not declare them themselves: a stream's relay
 * ({@code StreamRelay}), the media port, the DTLS handshakes, HTTPS and periodic tasks.
 * {@link Gateway} registers each as a callback that reads the part's getter. A part that moves to
 * single-writer counters takes its series from the table instead
 * ({@code table.counter(MULTICAST_RECEIVED, streamName)}) and the callback goes; the names, keys
 * and values stay. (The feedback sender and the limits declare their own.)
 */
final class GatewayCounters {
    static final CounterDescriptor LIVE = CounterDescriptor.statusOnly(Kind.FLAG, "live",
            "the catalog says a broadcaster is on the stream").labelled("stream");
    static final CounterDescriptor VIEWERS = CounterDescriptor.gauge("lancast_gateway_viewers", "viewers connected")
            .status("viewers").labelled("stream");
    static final CounterDescriptor MULTICAST_RECEIVED = CounterDescriptor.counter("lancast_gateway_multicast_packets",
            "authenticated multicast packets received").status("multicastReceived").labelled("stream");
    static final CounterDescriptor MULTICAST_DROPPED = CounterDescriptor.statusOnly(Kind.COUNTER, "multicastDropped",
            "multicast packets of the stream dropped (any reason)").labelled("stream");
    static final CounterDescriptor HAS_KEY = CounterDescriptor.statusOnly(Kind.FLAG, "hasKey",
            "the gateway holds the stream's current group key").labelled("stream");
    static final CounterDescriptor LOST = CounterDescriptor.counter("lancast_gateway_lost_packets",
            "packets missing on the multicast hop").status("lost").labelled("stream");
    static final CounterDescriptor REPAIRED = CounterDescriptor.counter("lancast_gateway_repaired_packets",
            "missing packets the bridge resent in time").status("repaired").labelled("stream");
    static final CounterDescriptor UNRECOVERED = CounterDescriptor.counter("lancast_gateway_unrecovered_packets",
            "missing packets given up on").status("unrecovered").labelled("stream");
    static final CounterDescriptor NACKED_PACKETS = CounterDescriptor.statusOnly(Kind.COUNTER, "nackedPackets",
            "missing packets the gateway asked the bridge for").labelled("stream");
    static final CounterDescriptor VIEWER_NACKS = CounterDescriptor.counter("lancast_gateway_viewer_nacks",
            "packets viewers asked for again").status("viewerNacks").labelled("stream");
    static final CounterDescriptor VIEWER_RETRANSMISSIONS = CounterDescriptor.counter(
            "lancast_gateway_viewer_retransmissions", "packets resent to viewers from the cache")
            .status("viewerRetransmissions").labelled("stream");
    static final CounterDescriptor KEYFRAMES_TO_JOINERS = CounterDescriptor.counter("lancast_gateway_keyframes_to_joiners",
            "new viewers started with the cached keyframe").status("keyframesToJoiners").labelled("stream");
    /** All streams together; each stream's own drops by reason are in its status (multicastDroppedBy). */
    static final CounterDescriptor MULTICAST_DROPPED_BY = CounterDescriptor.counter("lancast_multicast_packets_dropped",
            "multicast packets dropped, by reason: not_lancast, unknown_key, auth_failed (forged or wrong key), "
                    + "replayed, malformed").labelled("reason");
    /** All streams together; each stream's own are in its status (viewerPacketsDropped). */
    static final CounterDescriptor VIEWER_PACKETS_DROPPED = CounterDescriptor.counter(
            "lancast_gateway_viewer_packets_dropped", "viewer packets not sent, by reason: socket_busy_video/audio "
                    + "(a media loop's socket queue full), loop_behind_video/audio (a media loop too far behind the "
                    + "relay)").labelled("reason");
    static final CounterDescriptor CROSS_LOOP_DATAGRAMS = CounterDescriptor.counter(
            "lancast_gateway_cross_loop_datagrams", "datagrams of a session that reached another media loop's socket "
                    + "(its path moved) and were handed to its own loop");

    static final CounterDescriptor SESSIONS = CounterDescriptor.gauge("lancast_gateway_sessions",
            "WebRTC sessions on the media port").status("sessions");
    static final CounterDescriptor DTLS_HANDSHAKES = CounterDescriptor.gauge("lancast_gateway_dtls_handshakes",
            "DTLS handshakes in progress (each holds a thread)");
    static final CounterDescriptor DTLS_FAILURES = CounterDescriptor.counter("lancast_gateway_dtls_failures",
            "sessions whose DTLS handshake failed");
    static final CounterDescriptor TLS_HANDSHAKE_FAILURES = CounterDescriptor.counter(
            "lancast_gateway_tls_handshake_failures", "HTTPS handshakes that failed (a browser that does not trust "
                    + "the certificate)");
    static final CounterDescriptor PERIODIC_TASK_FAILURES = CounterDescriptor.counter("lancast_periodic_task_failures",
            "runs of periodic tasks (reports, repair, consent) that threw; each is logged and the task goes on");

    private GatewayCounters() {
    }
}
