package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;
import java.util.Arrays;

/**
 * The latest keyframe of a video track and every packet after it (the group of pictures so far),
 * so that a viewer switched to this track (a simulcast layer) gets a picture at once and decodes
 * up to the live edge without asking the broadcaster for a keyframe: the packets are kept by
 * their distance from the keyframe's first packet, so late and repaired packets fill their holes.
 * A group longer than {@link #MAX_PACKETS} packets stops being kept (a switch then waits for the
 * next keyframe). Slots are allocated the first time they are used and reused after; a keyframe
 * start is the mark a {@link KeyframeMarker} put on the packet upstream. A new source forgets the
 * group. One media loop.
 */
public final class GopCache implements Stage {
    /** About 4 s of a 2.5 Mbit/s layer in 1200-byte packets. */
    public static final int MAX_PACKETS = 1024;

    private static final int MAX_PACKET_BYTES = KeyframeCache.MAX_PACKET_BYTES;

    private final byte[][] slots = new byte[MAX_PACKETS][];
    private final int[] lengths = new int[MAX_PACKETS];
    private final boolean[] filled = new boolean[MAX_PACKETS];
    private final boolean[] frameEnds = new boolean[MAX_PACKETS];
    private int startSeq = -1;
    /** The slot of the keyframe's last packet (marker bit), -1 until seen. */
    private int keyframeEnd = -1;

    private int highest = -1;
    /** Slots 0..contiguous-1 are all filled. */
    private int contiguous;

    private boolean overflow;
    private boolean active = true;
    private long lastArrivalNanos;
    /** A group whose last packet is older than this is not replayed: the track stopped (or went away) since. */
    public static final long FRESH_NANOS = 1_000_000_000L;

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        if (active && track.isVideo()) {
            lastArrivalNanos = nowNanos;
            collect(packet);
        }
        return true;
    }

    /** Keeps groups (true) or nothing (false: a stream with one layer has no switch to make). */
    public void setActive(boolean keep) {
        if (active && !keep) {
            reset();
        }
        active = keep;
    }

    @Override
    public void onSourceChanged(Track track, long nowNanos) {
        reset();
    }

    private void collect(RtpPacket rtp) {
        int seq = rtp.sequenceNumber();
        if (rtp.startsKeyframe() && (startSeq < 0 || (seq != startSeq && ((seq - startSeq) & 0xFFFF) < 0x8000))) {
            startSeq = seq;
            keyframeEnd = -1;
            highest = -1;
            contiguous = 0;
            overflow = false;
            Arrays.fill(filled, false);
        }
        if (startSeq < 0 || overflow) {
            return;
        }
        int slot = (seq - startSeq) & 0xFFFF;
        if (slot >= 0x8000) {
            return; // from before the keyframe
        }
        if (slot >= MAX_PACKETS || rtp.length() > MAX_PACKET_BYTES) {
            overflow = true;
            return;
        }
        if (filled[slot]) {
            return;
        }
        if (slots[slot] == null) {
            slots[slot] = new byte[MAX_PACKET_BYTES];
        }
        System.arraycopy(rtp.buffer(), rtp.offset(), slots[slot], 0, rtp.length());
        lengths[slot] = rtp.length();
        filled[slot] = true;
        frameEnds[slot] = rtp.marker();
        if (keyframeEnd < 0 && rtp.marker()) {
            keyframeEnd = slot;
        }
        highest = Math.max(highest, slot);
        while (contiguous < MAX_PACKETS && filled[contiguous]) {
            contiguous++;
        }
    }

    public void reset() {
        startSeq = -1;
        keyframeEnd = -1;
        highest = -1;
        contiguous = 0;
        overflow = false;
        Arrays.fill(filled, false);
    }

    /**
     * Packets a viewer switched here can be sent now to decode up to the live edge: the keyframe
     * and everything after it, with no hole, ending with a whole frame; 0 when there is no such
     * group (no keyframe yet, a hole, a frame still arriving, a group too long to keep, or none of
     * its packets for {@link #FRESH_NANOS}: the track stopped).
     */
    public int replayable(long nowNanos) {
        if (overflow
                || keyframeEnd < 0
                || contiguous != highest + 1
                || !frameEnds[highest]
                || nowNanos - lastArrivalNanos > FRESH_NANOS) {
            return 0;
        }
        return highest + 1;
    }

    /** Whether a group is being kept (a keyframe seen, not too long yet), complete or not. */
    public boolean keeping() {
        return startSeq >= 0 && !overflow;
    }

    /** The sequence number of the group's packet i. */
    public int sequenceNumber(int i) {
        return (startSeq + i) & 0xFFFF;
    }

    public byte[] packet(int i) {
        return slots[i];
    }

    public int length(int i) {
        return lengths[i];
    }
}
