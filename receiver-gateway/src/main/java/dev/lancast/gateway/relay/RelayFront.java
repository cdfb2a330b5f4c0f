package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.rtc.protocol.KeyTable;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.SrtpReceiver;
import java.util.Collection;
import java.util.function.Function;

/**
 * The front door of a stream's group datagrams at a gateway, before any track's stages:
 * <pre>
 *   lancast header -> key id -> key table -> SSRC admission (the plan) -> SRTP open in place -> a track's slot
 * </pre>
 * Whatever does not pass is dropped here and counted by {@link DropReason}: nothing unauthenticated
 * reaches a stage, and a datagram with an SSRC the catalog does not name costs no crypto (no
 * context is derived, nothing is kept). Group datagrams and the bridge's unicast repairs and
 * relayed copies come in here alike. The relay's media loop only.
 */
final class RelayFront implements AutoCloseable {
    /** Where what passes goes. */
    interface Sink {
        /** An authenticated RTP packet of the track in slot, decrypted in place and wrapped. */
        void onRtp(int slot, RtpPacket rtp);

        /** An authenticated compound RTCP packet of one of the plan's SSRCs, decrypted in place. */
        void onRtcp(byte[] buf, int off, int len);
    }

    private final KeyTable<SrtpReceiver> keys;
    private final RtpPacket rtp = new RtpPacket();
    /** By {@link DropReason} ordinal: this stream's cell of each reason's series (null for the feedback-only ones). */
    private final SingleWriterCounter[] drops = new SingleWriterCounter[DropReason.values().length];

    private final SingleWriterCounter dropped;
    private final SingleWriterCounter received;

    /**
     * @param open     makes the SRTP receiver of a group key (its replay window, SSRC limit and ROC source)
     * @param counters the process's table: this stream's series (closed with the front)
     */
    RelayFront(Function<GroupKey, SrtpReceiver> open, CounterTable counters, String stream) {
        this.keys = new KeyTable<>(open);
        for (DropReason reason : DropReason.GROUP) {
            drops[reason.ordinal()] = counters.cell(RelayCounters.MULTICAST_DROPPED_BY, reason.label());
        }
        this.dropped = counters.counter(RelayCounters.MULTICAST_DROPPED, stream);
        this.received = counters.counter(RelayCounters.MULTICAST_RECEIVED, stream);
    }

    /** This stream's keys from now on (another stream's key opens nothing here). */
    void useKeys(Collection<GroupKey> streamKeys) {
        keys.use(streamKeys);
    }

    boolean hasKey(int id) {
        return keys.get(id) != null;
    }

    /**
     * One datagram of the stream's groups (or a unicast copy of one), checked, opened, handed on or
     * dropped: null when it passed, else why it was dropped.
     *
     * @param twoPaths the stream comes by multicast and by unicast at once (a return to multicast):
     *                 a replay is then the other path's copy, counted as {@link DropReason#DUPLICATE}
     */
    DropReason onDatagram(byte[] buf, int off, int len, RelayPlan plan, Sink sink, boolean twoPaths) {
        int keyId = GroupWireFormat.keyId(buf, off, len);
        if (keyId < 0) {
            return drop(DropReason.NOT_LANCAST);
        }
        SrtpReceiver srtp = keys.get(keyId);
        if (srtp == null) {
            return drop(DropReason.UNKNOWN_KEY);
        }
        // keyId() took only datagrams with room for an RTP header after the lancast one.
        int start = off + GroupWireFormat.HEADER_LENGTH;
        int size = len - GroupWireFormat.HEADER_LENGTH;
        int slot = plan.slotOf(RtpPacket.ssrcOf(buf, start, size));
        if (slot < 0) {
            // Forged under the public key id with any SSRC: no context is derived, nothing is kept.
            return drop(DropReason.UNKNOWN_SSRC);
        }
        boolean isRtcp = RtpPacket.isRtcp(buf, start, size);
        int n = isRtcp ? srtp.unprotectRtcp(buf, start, size) : srtp.unprotectRtp(buf, start, size);
        if (n < 0) {
            DropReason reason = DropReason.ofSrtp(n);
            return drop(twoPaths && reason == DropReason.REPLAYED ? DropReason.DUPLICATE : reason);
        }
        if (isRtcp) {
            received.increment();
            sink.onRtcp(buf, start, n);
        } else if (rtp.wrap(buf, start, n)) {
            received.increment();
            sink.onRtp(slot, rtp);
        } else {
            return drop(DropReason.MALFORMED);
        }
        return null;
    }

    private DropReason drop(DropReason reason) {
        drops[reason.ordinal()].increment();
        dropped.increment();
        return reason;
    }

    /** Authenticated datagrams of this stream. Any thread. */
    long received() {
        return received.get();
    }

    /** Datagrams of this stream dropped, for any reason. Any thread. */
    long dropped() {
        return dropped.get();
    }

    /** This stream's drops of one reason; 0 for a reason groups never have. Any thread. */
    long dropped(DropReason reason) {
        SingleWriterCounter c = drops[reason.ordinal()];
        return c == null ? 0 : c.get();
    }

    /** The stream's series leave the table; the receivers close. */
    @Override
    public void close() {
        for (SingleWriterCounter c : drops) {
            if (c != null) {
                c.close();
            }
        }
        dropped.close();
        received.close();
    }

    /** The receivers close (on the media loop, which owns them). */
    void closeKeys() {
        keys.close();
    }
}
