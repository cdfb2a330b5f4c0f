package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a relay on one media loop reaches its viewer shard on another: a single-producer,
 * single-consumer {@link SlotRing} of the relay's decrypted packets and its few control events,
 * copied once into preallocated slots, and one wake-up of the shard's loop per batch (the shard
 * drains everything queued when it runs). No allocation or lock per packet. When the shard's loop
 * falls behind, the ring fills: video is refused first (at three quarters full), so audio still
 * gets through; both are counted.
 */
final class ShardInbox implements SlotRing.Reader {
    /** About a second of a 4 Mbit/s stream (1200-byte packets). */
    static final int SLOTS = 512;

    private static final int SLOT_BYTES = 1500;
    /** A slot's type: the message in the high bits, the track's slot (a video layer, audio) in the low byte. */
    private static final int MEDIA = 1 << 8;

    private static final int MEDIA_KEYFRAME_START = 2 << 8;
    private static final int SENDER_REPORT = 3 << 8;
    private static final int UPSTREAM_CHANGED = 4 << 8;
    private static final int TRACK_MASK = 0xFF;
    private static final Track.Kind[] KINDS = Track.Kind.values();

    private final ViewerShard shard;
    private final SlotRing ring;
    private final int videoLimit;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    // Consumer side (the shard's loop).
    private final RtpPacket rtp = new RtpPacket();
    private long drainNow;
    // Producer side (the relay's loop), which writes these cells of the table's series, by kind.
    private final SingleWriterCounter[] refused = new SingleWriterCounter[Track.Kind.COUNT];

    /** @param counters the process's table: the inbox's cells of the loop_behind_* drops (closed by {@link #closeCounters}) */
    ShardInbox(ViewerShard shard, int slots, CounterTable counters) {
        this.shard = shard;
        this.ring = new SlotRing(slots, SLOT_BYTES);
        this.videoLimit = slots / 4 * 3;
        for (Track.Kind kind : KINDS) {
            refused[kind.ordinal()] =
                    counters.cell(RelayCounters.VIEWER_PACKETS_DROPPED, "loop_behind_" + kind.label());
        }
    }

    /**
     * Relay's loop: queues a packet (with its keyframe mark) for the shard; false (and counted)
     * when the shard is too far behind.
     */
    boolean offerMedia(int trackSlot, RtpPacket packet) {
        Track.Kind kind = Track.kindOfSlot(trackSlot);
        boolean shed = kind == Track.Kind.VIDEO && ring.size() > videoLimit;
        byte[] slot = shed || packet.length() > SLOT_BYTES ? null : ring.claim();
        if (slot == null) {
            refused[kind.ordinal()].increment();
            return false;
        }
        System.arraycopy(packet.buffer(), packet.offset(), slot, 0, packet.length());
        ring.publish((packet.startsKeyframe() ? MEDIA_KEYFRAME_START : MEDIA) | trackSlot, packet.length());
        wake();
        return true;
    }

    void offerSenderReport(int trackSlot, long ntp, long rtpTimestamp) {
        byte[] slot = ring.claim();
        if (slot != null) {
            putLong(slot, 0, ntp);
            putLong(slot, 8, rtpTimestamp);
            ring.publish(SENDER_REPORT | trackSlot, 16);
            wake();
        }
    }

    void offerUpstreamChanged(int trackSlot) {
        if (ring.claim() != null) {
            ring.publish(UPSTREAM_CHANGED | trackSlot, 0);
            wake();
        }
    }

    private void wake() {
        if (!scheduled.getAndSet(true)) {
            shard.loop().execute(drain);
        }
    }

    /** The shard's loop: everything queued. */
    private void drain() {
        // Cleared before reading: a slot published after this point schedules another drain.
        scheduled.set(false);
        drainNow = shard.now();
        ring.drain(this);
    }

    @Override
    public void onSlot(int type, byte[] data, int length) {
        int trackSlot = type & TRACK_MASK;
        switch (type & ~TRACK_MASK) {
            case MEDIA, MEDIA_KEYFRAME_START -> {
                if (rtp.wrap(data, 0, length)) {
                    rtp.markKeyframeStart((type & ~TRACK_MASK) == MEDIA_KEYFRAME_START);
                    shard.onMedia(trackSlot, rtp, drainNow);
                }
            }
            case SENDER_REPORT -> shard.onSenderReport(trackSlot, getLong(data, 0), getLong(data, 8));
            case UPSTREAM_CHANGED -> shard.onUpstreamChanged(trackSlot);
            default -> throw new IllegalStateException("unknown inbox message " + type);
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    /** Packets of a kind the shard's loop could not take in time (relay's loop writes, others read). */
    long refused(Track.Kind kind) {
        return refused[kind.ordinal()].get();
    }

    void closeCounters() {
        for (SingleWriterCounter c : refused) {
            c.close();
        }
    }
}
