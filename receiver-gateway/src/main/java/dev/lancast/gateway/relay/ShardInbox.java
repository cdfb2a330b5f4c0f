package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a relay on one media loop reaches its viewer shard on another: a single-producer,
 * single-consumer {@link SlotRing} of the relay's decrypted packets and its few control events,
 * copied once into slots, and one wake-up of the shard's loop per batch (the shard drains
 * everything queued when it runs). No allocation or lock per packet. When the shard's loop
 * falls behind, the ring fills: video is refused first (at three quarters full), so audio still
 * gets through; both are counted.
 *
 * <p>The inbox stays shut until the shard's first viewer: a stream nobody watches on this loop
 * costs the loop no copy and no memory (the ring's slots and the shard's caches are allocated as
 * they fill). The first viewer opens it ({@link #requestOpen}): on the relay's loop the inbox is
 * seeded from the relay's own shard, whose caches are always fed (each video layer's latest
 * keyframe, then every track's live position and sender-report mapping), then the live packets
 * follow, so that viewer is primed as one on a warm loop is.
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
    /** A packet of the seeding shard's cached keyframe (with the start mark, or not). */
    private static final int SEED = 5 << 8;

    private static final int SEED_KEYFRAME_START = 6 << 8;
    /** A track's live position and sender-report mapping at the seeding shard. */
    private static final int TRACK_STATE = 7 << 8;
    /** The seed is complete: the live packets follow. */
    private static final int SEEDED = 8 << 8;

    private static final int TRACK_MASK = 0xFF;
    private static final Track.Kind[] KINDS = Track.Kind.values();

    private final ViewerShard shard;
    /** The relay's own shard, on the producer's loop: the seed's source (null when the relay's loop has none). */
    private final ViewerShard seedFrom;

    private final EventLoop producerLoop;
    private final Runnable open = this::open;
    private final SlotRing ring;
    private final int videoLimit;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    // Consumer side (the shard's loop).
    private final RtpPacket rtp = new RtpPacket();
    private long drainNow;
    // Producer side (the relay's loop), which writes these cells of the table's series, by kind.
    private final SingleWriterCounter[] refused = new SingleWriterCounter[Track.Kind.COUNT];
    /** Producer side: whether the shard has had a viewer (and so takes the stream). */
    private boolean opened;

    /**
     * @param producerLoop the relay's loop, the only one that offers
     * @param seedFrom     the shard on the relay's loop that seeds this one when it opens, or null
     * @param counters     the process's table: the inbox's cells of the loop_behind_* drops (closed by {@link #closeCounters})
     */
    ShardInbox(ViewerShard shard, EventLoop producerLoop, ViewerShard seedFrom, int slots, CounterTable counters) {
        this.shard = shard;
        this.producerLoop = producerLoop;
        this.seedFrom = seedFrom;
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
        if (!opened) {
            return false; // no viewer on that loop yet: nothing to send, and nothing cached for one
        }
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
        if (!opened) {
            return;
        }
        byte[] slot = ring.claim();
        if (slot != null) {
            putLong(slot, 0, ntp);
            putLong(slot, 8, rtpTimestamp);
            ring.publish(SENDER_REPORT | trackSlot, 16);
            wake();
        }
    }

    void offerUpstreamChanged(int trackSlot) {
        if (opened && ring.claim() != null) {
            ring.publish(UPSTREAM_CHANGED | trackSlot, 0);
            wake();
        }
    }

    /** The shard's loop, at its first viewer: asks the relay's loop to seed and open the inbox. */
    void requestOpen() {
        producerLoop.execute(open);
    }

    /** Relay's loop: the seed (when there is a shard to seed from), then the live packets from now on. */
    private void open() {
        if (opened) {
            return;
        }
        if (seedFrom != null) {
            seedFrom.seed(this);
        }
        if (ring.claim() != null) {
            ring.publish(SEEDED, 0);
            wake();
        }
        opened = true;
    }

    /**
     * Relay's loop, seeding: a packet of a cached keyframe; false when the ring has no room to
     * spare for it (half of it stays free for the live packets that follow).
     */
    boolean offerSeed(int trackSlot, byte[] packet, int length, boolean keyframeStart) {
        if (ring.size() >= videoLimit / 2 || length > SLOT_BYTES) {
            return false;
        }
        byte[] slot = ring.claim();
        if (slot == null) {
            return false;
        }
        System.arraycopy(packet, 0, slot, 0, length);
        ring.publish((keyframeStart ? SEED_KEYFRAME_START : SEED) | trackSlot, length);
        return true;
    }

    /** Relay's loop, seeding: a track's live position and sender-report mapping at the seeding shard. */
    void offerTrackState(int trackSlot, long ssrc, int lastSeq, long lastTimestamp, long srNtp, long srRtp) {
        byte[] slot = ring.claim();
        if (slot != null) {
            putLong(slot, 0, ssrc);
            putLong(slot, 8, lastSeq);
            putLong(slot, 16, lastTimestamp);
            putLong(slot, 24, srNtp);
            putLong(slot, 32, srRtp);
            ring.publish(TRACK_STATE | trackSlot, 40);
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
            case SEED, SEED_KEYFRAME_START -> {
                if (rtp.wrap(data, 0, length)) {
                    rtp.markKeyframeStart((type & ~TRACK_MASK) == SEED_KEYFRAME_START);
                    shard.onSeedPacket(trackSlot, rtp, drainNow);
                }
            }
            case TRACK_STATE ->
                shard.onTrackState(
                        trackSlot,
                        getLong(data, 0),
                        (int) getLong(data, 8),
                        getLong(data, 16),
                        getLong(data, 24),
                        getLong(data, 32));
            case SEEDED -> shard.onSeeded();
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
