package dev.lancast.gateway;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterDescriptor.Kind;

/**
 * The gateway's counters whose counting parts do not declare them themselves: a stream's state
 * (live, viewers, key), the media port, the DTLS handshakes, HTTPS and periodic tasks.
 * {@link Gateway} registers each as a callback that reads the part's getter. A part that moves to
 * single-writer counters takes its series from the table instead and the callback goes; the names,
 * keys and values stay. (The media path's counts are in {@code RelayCounters}; the feedback sender
 * and the limits declare their own.)
 */
final class GatewayCounters {
    static final CounterDescriptor LIVE = CounterDescriptor.statusOnly(
                    Kind.FLAG, "live", "the catalog says a broadcaster is on the stream")
            .labelled("stream");
    static final CounterDescriptor VIEWERS = CounterDescriptor.gauge("lancast_gateway_viewers", "viewers connected")
            .status("viewers")
            .labelled("stream");
    static final CounterDescriptor HAS_KEY = CounterDescriptor.statusOnly(
                    Kind.FLAG, "hasKey", "the gateway holds the stream's current group key")
            .labelled("stream");
    static final CounterDescriptor CROSS_LOOP_DATAGRAMS = CounterDescriptor.counter(
            "lancast_gateway_cross_loop_datagrams",
            "datagrams of a session that reached another media loop's socket "
                    + "(its path moved) and were handed to its own loop");

    static final CounterDescriptor SESSIONS = CounterDescriptor.gauge(
                    "lancast_gateway_sessions", "WebRTC sessions on the media port")
            .status("sessions");
    static final CounterDescriptor DTLS_HANDSHAKES = CounterDescriptor.gauge(
            "lancast_gateway_dtls_handshakes", "DTLS handshakes in progress (each holds a thread)");
    static final CounterDescriptor DTLS_FAILURES =
            CounterDescriptor.counter("lancast_gateway_dtls_failures", "sessions whose DTLS handshake failed");
    static final CounterDescriptor TLS_HANDSHAKE_FAILURES = CounterDescriptor.counter(
            "lancast_gateway_tls_handshake_failures",
            "HTTPS handshakes that failed (a browser that does not trust " + "the certificate)");
    static final CounterDescriptor PERIODIC_TASK_FAILURES = CounterDescriptor.counter(
            "lancast_periodic_task_failures",
            "runs of periodic tasks (reports, repair, consent) that threw; each is logged and the task goes on");

    private GatewayCounters() {}
}
