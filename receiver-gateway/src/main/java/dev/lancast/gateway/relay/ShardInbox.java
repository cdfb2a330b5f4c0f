package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
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
    private static final int VIDEO = 1;
    private static final int VIDEO_KEYFRAME_START = 2;
    private static final int AUDIO = 3;
    private static final int SENDER_REPORT_VIDEO = 4;
    private static final int SENDER_REPORT_AUDIO = 5;
    private static final int UPSTREAM_CHANGED_VIDEO = 6;
    private static final int UPSTREAM_CHANGED_AUDIO = 7;

    private final ViewerShard shard;
    private final SlotRing ring;
    private final int videoLimit;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    // Consumer side (the shard's loop).
    private final RtpPacket rtp = new RtpPacket();
    private long drainNow;
    // Producer side (the relay's loop), which writes these cells of the table's series.
    private final SingleWriterCounter videoRefused;
    private final SingleWriterCounter audioRefused;

    /** @param counters the process's table: the inbox's cells of the loop_behind_* drops (closed by {@link #closeCounters}) */
    ShardInbox(ViewerShard shard, int slots, CounterTable counters) {
        this.shard = shard;
        this.ring = new SlotRing(slots, SLOT_BYTES);
        this.videoLimit = slots / 4 * 3;
        this.videoRefused = counters.cell(RelayCounters.VIEWER_PACKETS_DROPPED, "loop_behind_video");
        this.audioRefused = counters.cell(RelayCounters.VIEWER_PACKETS_DROPPED, "loop_behind_audio");
    }

    /** Relay's loop: queues a packet for the shard; false (and counted) when the shard is too far behind. */
    boolean offerMedia(boolean isVideo, boolean startsKeyframe, RtpPacket packet) {
        byte[] slot = isVideo && ring.size() > videoLimit || packet.length() > SLOT_BYTES ? null : ring.claim();
        if (slot == null) {
            (isVideo ? videoRefused : audioRefused).increment();
            return false;
        }
        System.arraycopy(packet.buffer(), packet.offset(), slot, 0, packet.length());
        ring.publish(isVideo ? (startsKeyframe ? VIDEO_KEYFRAME_START : VIDEO) : AUDIO, packet.length());
        wake();
        return true;
    }

    void offerSenderReport(boolean isVideo, long ntp, long rtpTimestamp) {
        byte[] slot = ring.claim();
        if (slot != null) {
            putLong(slot, 0, ntp);
            putLong(slot, 8, rtpTimestamp);
            ring.publish(isVideo ? SENDER_REPORT_VIDEO : SENDER_REPORT_AUDIO, 16);
            wake();
        }
    }

    void offerUpstreamChanged(boolean isVideo) {
        if (ring.claim() != null) {
            ring.publish(isVideo ? UPSTREAM_CHANGED_VIDEO : UPSTREAM_CHANGED_AUDIO, 0);
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
        switch (type) {
            case VIDEO, VIDEO_KEYFRAME_START, AUDIO -> {
                if (rtp.wrap(data, 0, length)) {
                    shard.onMedia(type != AUDIO, type == VIDEO_KEYFRAME_START, rtp, drainNow);
                }
            }
            case SENDER_REPORT_VIDEO, SENDER_REPORT_AUDIO ->
                    shard.onSenderReport(type == SENDER_REPORT_VIDEO, getLong(data, 0), getLong(data, 8));
            case UPSTREAM_CHANGED_VIDEO, UPSTREAM_CHANGED_AUDIO -> shard.onUpstreamChanged(type == UPSTREAM_CHANGED_VIDEO);
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

    /** Packets the shard's loop could not take in time (relay's loop writes, others read). */
    long videoRefused() {
        return videoRefused.get();
    }

    long audioRefused() {
        return audioRefused.get();
    }

    void closeCounters() {
        videoRefused.close();
        audioRefused.close();
    }
}
