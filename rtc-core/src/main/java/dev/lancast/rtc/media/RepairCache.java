package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.PacketCache;
import dev.lancast.rtc.rtp.RtpPacket;

/**
 * Keeps the track's recent packets by sequence number (a {@link PacketCache} of preallocated
 * slots) to answer NACKs from downstream without asking upstream again. Placed after the stages
 * that renumber, it keeps packets under the numbers its askers know.
 */
public final class RepairCache implements Stage {
    private final PacketCache cache;

    public RepairCache(PacketCache cache) {
        this.cache = cache;
    }

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        cache.put(packet.sequenceNumber(), packet.buffer(), packet.offset(), packet.length(), nowNanos);
        return true;
    }

    /** Copies packet seq into dst; its length, or -1 when it is not (or no longer) kept. */
    public int get(int seq, long nowNanos, byte[] dst, int dstOff) {
        return cache.get(seq, nowNanos, dst, dstOff);
    }
}
