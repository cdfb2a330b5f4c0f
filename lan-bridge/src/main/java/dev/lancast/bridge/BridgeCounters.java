package dev.lancast.bridge;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterDescriptor.Kind;

/**
 * The bridge's counters whose counting parts do not declare them themselves: a stream's ingest
 * ({@code StreamIngest}), the media port, the DTLS handshakes, HTTPS, periodic tasks and reloads.
 * {@link Bridge} registers each as a callback that reads the part's getter. A part that moves to
 * single-writer counters takes its series from the table instead
 * ({@code table.counter(PACKETS_FORWARDED, streamName)}) and the callback goes; the names, keys and
 * values stay. (The feedback listener, the group publisher, the gateway registry and the limits
 * declare their own.)
 */
final class BridgeCounters {
    static final CounterDescriptor STREAM_LIVE = CounterDescriptor.flag("lancast_bridge_stream_live",
            "1 while a broadcaster is connected to the stream").status("live").labelled("stream");
    static final CounterDescriptor RECEIVE_BITRATE = CounterDescriptor.gauge("lancast_bridge_receive_bitrate_bps",
            "bit/s received from the broadcaster over the last second").status("receiveBitrateBps").labelled("stream");
    static final CounterDescriptor MAX_BITRATE = CounterDescriptor.gauge("lancast_bridge_max_bitrate_bps",
            "bit/s the broadcaster is told it may use (REMB)").status("maxBitrateBps").labelled("stream");
    static final CounterDescriptor PACKETS_FORWARDED = CounterDescriptor.counter("lancast_bridge_packets_forwarded",
            "RTP packets sent on the multicast groups").status("packetsForwarded").labelled("stream");
    static final CounterDescriptor UPSTREAM_LOST = CounterDescriptor.counter("lancast_bridge_upstream_lost_packets",
            "video packets missing from the broadcaster").status("upstreamLost").labelled("stream");
    static final CounterDescriptor UPSTREAM_NACKS = CounterDescriptor.statusOnly(Kind.COUNTER, "upstreamNacks",
            "video packets the bridge asked the broadcaster for again").labelled("stream");
    static final CounterDescriptor NACKS_RECEIVED = CounterDescriptor.counter("lancast_bridge_nacks_received",
            "packets gateways asked for again").status("nacksReceived").labelled("stream");
    static final CounterDescriptor KEYFRAME_REQUESTS_RECEIVED = CounterDescriptor.statusOnly(Kind.COUNTER,
            "keyframeRequestsReceived", "keyframe requests from gateways, before they are merged").labelled("stream");
    static final CounterDescriptor KEYFRAME_REQUESTS_SENT = CounterDescriptor.counter("lancast_bridge_keyframe_requests",
            "keyframe requests sent to the broadcaster").status("keyframeRequestsSent").labelled("stream");
    static final CounterDescriptor KEYFRAME_REQUESTS_DEFERRED = CounterDescriptor.counter(
            "lancast_bridge_keyframe_requests_deferred", "keyframe requests held back by the stream's sustained "
                    + "budget (3, then one per 5 x keyframeIntervalMs), then sent merged")
            .status("keyframeRequestsDeferred").labelled("stream");

    static final CounterDescriptor SESSIONS = CounterDescriptor.gauge("lancast_bridge_sessions",
            "WebRTC sessions on the media port").status("sessions");
    static final CounterDescriptor DTLS_HANDSHAKES = CounterDescriptor.gauge("lancast_bridge_dtls_handshakes",
            "DTLS handshakes in progress (each holds a thread)");
    static final CounterDescriptor DTLS_FAILURES = CounterDescriptor.counter("lancast_bridge_dtls_failures",
            "sessions whose DTLS handshake failed");
    static final CounterDescriptor STUN_REJECTED = CounterDescriptor.counter("lancast_bridge_stun_rejected",
            "STUN checks with a wrong password or unknown ufrag");
    static final CounterDescriptor PERIODIC_TASK_FAILURES = CounterDescriptor.counter("lancast_periodic_task_failures",
            "runs of periodic tasks (key rotation, expiry, reports, repair, consent) that threw; each is logged "
                    + "and the task goes on");
    static final CounterDescriptor CONFIG_RELOADS = CounterDescriptor.counter("lancast_config_reloads",
            "config reloads applied").status("configReloads");
    static final CounterDescriptor TLS_HANDSHAKE_FAILURES = CounterDescriptor.counter(
            "lancast_bridge_tls_handshake_failures", "HTTPS handshakes that failed (untrusted certificate on either side)");

    private BridgeCounters() {
    }
}
