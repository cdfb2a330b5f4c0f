package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;
import java.util.Arrays;

/**
 * The packets of the latest complete keyframe of a stream, so a new viewer sees a picture at once
 * instead of waiting for the broadcaster's next keyframe. Packets are kept by their distance from
 * the keyframe's first packet, so late and repaired packets fill their holes; the frame is complete
 * once its marker packet and everything before it are in. Slots are preallocated. A keyframe's
 * start is the mark a {@link KeyframeMarker} put on the packet earlier in the path (at a gateway,
 * the relay's, once for every media loop); an audio track's packets pass untouched. Placed after
 * the stages that renumber, it keeps the packets as the track's receivers number them.
 * A new source forgets the keyframe: it cannot be followed by the new source's frames.
 */
public final class KeyframeCache implements Stage {
    private static final int MAX_PACKETS = 512;
    /** A slot's size; a keyframe with a larger packet is not cached (the joiner waits for the live one). */
    public static final int MAX_PACKET_BYTES = 1500;

    private final byte[][] packets = new byte[MAX_PACKETS][];
    private final int[] lengths = new int[MAX_PACKETS];
    private final boolean[] filled = new boolean[MAX_PACKETS];
    private int startSeq = -1;
    private int end = -1;
    private boolean complete;
    // The last complete keyframe stays usable while the next one is being collected.
    private final byte[][] ready = new byte[MAX_PACKETS][];
    private final int[] readyLengths = new int[MAX_PACKETS];
    private int readyCount;

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        if (track.isVideo()) {
            collect(packet, packet.startsKeyframe());
        }
        return true;
    }

    @Override
    public void onSourceChanged(Track track, long nowNanos) {
        reset();
    }

    private void collect(RtpPacket rtp, boolean keyframeStart) {
        int seq = rtp.sequenceNumber();
        // A newer keyframe starts a new collection; a repeat of the current one's first packet does not.
        if (keyframeStart && (startSeq < 0 || (seq != startSeq && ((seq - startSeq) & 0xFFFF) < 0x8000))) {
            startSeq = seq;
            end = -1;
            complete = false;
            Arrays.fill(filled, false);
        }
        if (startSeq < 0 || complete) {
            return;
        }
        int slot = (seq - startSeq) & 0xFFFF;
        if (slot >= MAX_PACKETS || (end >= 0 && slot > end)) {
            return;
        }
        if (rtp.length() > MAX_PACKET_BYTES) {
            // Authenticated but too long for a slot (it used to throw here on every such packet).
            startSeq = -1;
            return;
        }
        if (packets[slot] == null) {
            packets[slot] = new byte[MAX_PACKET_BYTES];
        }
        System.arraycopy(rtp.buffer(), rtp.offset(), packets[slot], 0, rtp.length());
        lengths[slot] = rtp.length();
        filled[slot] = true;
        if (rtp.marker()) {
            end = slot;
        }
        if (end >= 0 && allFilled()) {
            complete = true;
            publish();
        }
    }

    private boolean allFilled() {
        for (int i = 0; i <= end; i++) {
            if (!filled[i]) {
                return false;
            }
        }
        return true;
    }

    private void publish() {
        for (int i = 0; i <= end; i++) {
            if (ready[i] == null) {
                ready[i] = new byte[MAX_PACKET_BYTES];
            }
            System.arraycopy(packets[i], 0, ready[i], 0, lengths[i]);
            readyLengths[i] = lengths[i];
        }
        readyCount = end + 1;
    }

    /** Forgets the keyframes of a source that is gone (a restarted bridge). */
    public void reset() {
        startSeq = -1;
        end = -1;
        complete = false;
        readyCount = 0;
        Arrays.fill(filled, false);
    }

    /** Packets of the last complete keyframe, in order; 0 when there is none yet. */
    public int count() {
        return readyCount;
    }

    public byte[] packet(int i) {
        return ready[i];
    }

    public int length(int i) {
        return readyLengths[i];
    }
}
