package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterDescriptor.Kind;

/**
 * The counts of a stream's media path at the gateway, declared once for the counter table: each
 * part takes its series from the table when it is made and writes them on the loop that owns what
 * it counts (docs/architecture.md, "Counters"). The relay's own (multicast, loss and repair) are
 * one counter per stream, written on the relay's loop; the fan-out's are one cell per media loop
 * (each {@link ViewerShard} and {@link ShardInbox} has its own), summed into the stream's series.
 */
public final class RelayCounters {
    // The relay's, on its loop.
    public static final CounterDescriptor MULTICAST_RECEIVED = CounterDescriptor.counter(
                    "lancast_gateway_multicast_packets", "authenticated multicast packets received")
            .status("multicastReceived")
            .labelled("stream");
    public static final CounterDescriptor MULTICAST_DROPPED = CounterDescriptor.statusOnly(
                    Kind.COUNTER, "multicastDropped", "multicast packets of the stream dropped (any reason)")
            .labelled("stream");
    /** All streams together (a cell per stream); each stream's own drops by reason are in its status (multicastDroppedBy). */
    public static final CounterDescriptor MULTICAST_DROPPED_BY = CounterDescriptor.counter(
                    "lancast_multicast_packets_dropped",
                    "multicast packets dropped, by reason: not_lancast, unknown_key, "
                            + "auth_failed (forged or wrong key), replayed, malformed")
            .labelled("reason");

    public static final CounterDescriptor LOST = CounterDescriptor.counter(
                    "lancast_gateway_lost_packets", "packets missing on the multicast hop")
            .status("lost")
            .labelled("stream");
    public static final CounterDescriptor REPAIRED = CounterDescriptor.counter(
                    "lancast_gateway_repaired_packets", "missing packets the bridge resent in time")
            .status("repaired")
            .labelled("stream");
    public static final CounterDescriptor UNRECOVERED = CounterDescriptor.counter(
                    "lancast_gateway_unrecovered_packets", "missing packets given up on")
            .status("unrecovered")
            .labelled("stream");
    public static final CounterDescriptor NACKED_PACKETS = CounterDescriptor.statusOnly(
                    Kind.COUNTER, "nackedPackets", "missing packets the gateway asked the bridge for")
            .labelled("stream");

    /** 1 while the stream comes by unicast from the bridge (multicast does not reach this gateway). */
    public static final CounterDescriptor UNICAST = CounterDescriptor.gauge(
                    "lancast_gateway_delivery_unicast",
                    "1 while the stream comes by a unicast copy from the bridge (multicast does not reach the gateway)")
            .status("deliveryUnicast")
            .labelled("stream");

    public static final CounterDescriptor FALLBACKS = CounterDescriptor.counter(
                    "lancast_gateway_fallbacks",
                    "times the stream's groups went silent and the gateway asked the bridge for a unicast copy")
            .status("fallbacks")
            .labelled("stream");
    public static final CounterDescriptor UNICAST_RECEIVED = CounterDescriptor.counter(
                    "lancast_gateway_unicast_packets",
                    "authenticated packets of the stream that came by unicast (repairs " + "and copies)")
            .status("unicastReceived")
            .labelled("stream");

    // The fan-out's: a cell per media loop.
    public static final CounterDescriptor VIEWER_NACKS = CounterDescriptor.counter(
                    "lancast_gateway_viewer_nacks", "packets viewers asked for again")
            .status("viewerNacks")
            .labelled("stream");
    public static final CounterDescriptor VIEWER_RETRANSMISSIONS = CounterDescriptor.counter(
                    "lancast_gateway_viewer_retransmissions", "packets resent to viewers from the cache")
            .status("viewerRetransmissions")
            .labelled("stream");
    public static final CounterDescriptor KEYFRAMES_TO_JOINERS = CounterDescriptor.counter(
                    "lancast_gateway_keyframes_to_joiners", "new viewers started with the cached keyframe")
            .status("keyframesToJoiners")
            .labelled("stream");
    /** Each loop's own is in the stream's status (deliveredPerLoop). */
    public static final CounterDescriptor VIEWER_PACKETS_DELIVERED = CounterDescriptor.counter(
                    "lancast_gateway_viewer_packets_delivered",
                    "packets handed to viewers' sessions (one per viewer per " + "packet)")
            .labelled("stream");
    /** The stream's are in its status (primers). */
    public static final CounterDescriptor PRIMERS_PACED = CounterDescriptor.counter(
                    "lancast_gateway_primers_paced",
                    "joiners whose keyframe primer waited for its media loop's primer budget")
            .labelled("stream");

    public static final CounterDescriptor PRIMERS_EXPIRED = CounterDescriptor.counter(
                    "lancast_gateway_primers_expired",
                    "joiners that waited too long for a primer and got the live keyframe instead")
            .labelled("stream");
    /** All streams together (a cell per stream and loop); each stream's own are in its status (viewerPacketsDropped). */
    public static final CounterDescriptor VIEWER_PACKETS_DROPPED = CounterDescriptor.counter(
                    "lancast_gateway_viewer_packets_dropped",
                    "viewer packets not sent, by reason: socket_busy_video/audio "
                            + "(a media loop's socket queue full), loop_behind_video/audio (a media loop too far behind the "
                            + "relay)")
            .labelled("reason");

    private RelayCounters() {}
}
