package dev.lancast.bridge.ingest;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterDescriptor.Kind;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import java.util.List;

/**
 * The counts of a stream's ingest at the bridge, declared once for the counter table, and one
 * stream's series of them: each {@link StreamIngest} takes its stream's series when it is made,
 * writes them on the media loop and closes them with the stream (docs/architecture.md,
 * "Counters"). The multicast sends are the publisher's ({@code GroupPublisher}).
 */
public final class IngestCounters {
    public static final CounterDescriptor RECEIVE_BITRATE = CounterDescriptor.gauge(
                    "lancast_bridge_receive_bitrate_bps", "bit/s received from the broadcaster over the last second")
            .status("receiveBitrateBps")
            .labelled("stream");
    public static final CounterDescriptor PACKETS_FORWARDED = CounterDescriptor.counter(
                    "lancast_bridge_packets_forwarded", "RTP packets sent on the multicast groups")
            .status("packetsForwarded")
            .labelled("stream");
    public static final CounterDescriptor UPSTREAM_LOST = CounterDescriptor.counter(
                    "lancast_bridge_upstream_lost_packets", "video packets missing from the broadcaster")
            .status("upstreamLost")
            .labelled("stream");
    public static final CounterDescriptor UPSTREAM_NACKS = CounterDescriptor.statusOnly(
                    Kind.COUNTER, "upstreamNacks", "video packets the bridge asked the broadcaster for again")
            .labelled("stream");
    public static final CounterDescriptor NACKS_RECEIVED = CounterDescriptor.counter(
                    "lancast_bridge_nacks_received", "packets gateways asked for again")
            .status("nacksReceived")
            .labelled("stream");
    public static final CounterDescriptor KEYFRAME_REQUESTS_RECEIVED = CounterDescriptor.statusOnly(
                    Kind.COUNTER, "keyframeRequestsReceived", "keyframe requests from gateways, before they are merged")
            .labelled("stream");
    public static final CounterDescriptor KEYFRAME_REQUESTS_SENT = CounterDescriptor.counter(
                    "lancast_bridge_keyframe_requests", "keyframe requests sent to the broadcaster")
            .status("keyframeRequestsSent")
            .labelled("stream");
    public static final CounterDescriptor KEYFRAME_REQUESTS_DEFERRED = CounterDescriptor.counter(
                    "lancast_bridge_keyframe_requests_deferred",
                    "keyframe requests held back by the stream's sustained "
                            + "budget (3, then one per 5 x keyframeIntervalMs), then sent merged")
            .status("keyframeRequestsDeferred")
            .labelled("stream");

    final SingleWriterCounter receiveBitrate;
    final SingleWriterCounter packetsForwarded;
    final SingleWriterCounter upstreamLost;
    final SingleWriterCounter upstreamNacks;
    final SingleWriterCounter nacksReceived;
    final SingleWriterCounter keyframeRequestsReceived;
    final SingleWriterCounter keyframeRequestsSent;
    final SingleWriterCounter keyframeRequestsDeferred;

    /** The series of one stream, taken from the process's table. */
    IngestCounters(CounterTable counters, String stream) {
        this.receiveBitrate = counters.counter(RECEIVE_BITRATE, stream);
        this.packetsForwarded = counters.counter(PACKETS_FORWARDED, stream);
        this.upstreamLost = counters.counter(UPSTREAM_LOST, stream);
        this.upstreamNacks = counters.counter(UPSTREAM_NACKS, stream);
        this.nacksReceived = counters.counter(NACKS_RECEIVED, stream);
        this.keyframeRequestsReceived = counters.counter(KEYFRAME_REQUESTS_RECEIVED, stream);
        this.keyframeRequestsSent = counters.counter(KEYFRAME_REQUESTS_SENT, stream);
        this.keyframeRequestsDeferred = counters.counter(KEYFRAME_REQUESTS_DEFERRED, stream);
    }

    /** The stream's series leave the table (a stream removed by a reload disappears from /metrics). */
    void close() {
        for (SingleWriterCounter c : List.of(
                receiveBitrate,
                packetsForwarded,
                upstreamLost,
                upstreamNacks,
                nacksReceived,
                keyframeRequestsReceived,
                keyframeRequestsSent,
                keyframeRequestsDeferred)) {
            c.close();
        }
    }
}
