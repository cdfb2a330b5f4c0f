package dev.lancast.bridge;

import dev.lancast.rtc.counters.CounterDescriptor;

/**
 * The bridge's counters whose counting parts do not declare them themselves: a stream's state
 * (live, its maxBitrate), the media port, the DTLS handshakes, HTTPS, periodic tasks and reloads.
 * {@link Bridge} registers each as a callback that reads the part's getter. A part that moves to
 * single-writer counters takes its series from the table instead and the callback goes; the names,
 * keys and values stay. (A stream's ingest declares its own in {@code IngestCounters}; the feedback
 * listener, the group publisher, the gateway registry and the limits declare theirs.)
 */
final class BridgeCounters {
    static final CounterDescriptor STREAM_LIVE = CounterDescriptor.flag(
                    "lancast_bridge_stream_live", "1 while a broadcaster is connected to the stream")
            .status("live")
            .labelled("stream");
    static final CounterDescriptor MAX_BITRATE = CounterDescriptor.gauge(
                    "lancast_bridge_max_bitrate_bps", "bit/s the broadcaster is told it may use (REMB)")
            .status("maxBitrateBps")
            .labelled("stream");

    static final CounterDescriptor SESSIONS = CounterDescriptor.gauge(
                    "lancast_bridge_sessions", "WebRTC sessions on the media port")
            .status("sessions");
    static final CounterDescriptor DTLS_HANDSHAKES = CounterDescriptor.gauge(
            "lancast_bridge_dtls_handshakes", "DTLS handshakes in progress (each holds a thread)");
    static final CounterDescriptor DTLS_FAILURES =
            CounterDescriptor.counter("lancast_bridge_dtls_failures", "sessions whose DTLS handshake failed");
    static final CounterDescriptor STUN_REJECTED = CounterDescriptor.counter(
            "lancast_bridge_stun_rejected", "STUN checks with a wrong password or unknown ufrag");
    static final CounterDescriptor PERIODIC_TASK_FAILURES = CounterDescriptor.counter(
            "lancast_periodic_task_failures",
            "runs of periodic tasks (key rotation, expiry, reports, repair, consent) that threw; each is logged "
                    + "and the task goes on");
    static final CounterDescriptor CONFIG_RELOADS = CounterDescriptor.counter(
                    "lancast_config_reloads", "config reloads applied")
            .status("configReloads");
    static final CounterDescriptor TLS_HANDSHAKE_FAILURES = CounterDescriptor.counter(
            "lancast_bridge_tls_handshake_failures",
            "HTTPS handshakes that failed (untrusted certificate on either side)");

    private BridgeCounters() {}
}
