package dev.lancast.rtc.srtp;

/**
 * The SRTP packet index of RFC 3711 section 3.3.1: 2^16 times the rollover counter (ROC) plus the
 * 16-bit sequence number. A receiver that joins mid-stream cannot know the ROC from the packet
 * alone; given a reference index (the highest one it knows of, from the bridge or from packets it
 * authenticated), {@link #estimate} gives the index of a packet the way RFC 3711's receiver does.
 */
public final class PacketIndex {
    /** No reference known: a stream's first packets have ROC 0. */
    public static final long UNKNOWN = -1;

    private PacketIndex() {}

    public static long of(long roc, int seq) {
        if (roc < 0 || roc > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("rollover counter must be 0..2^32-1, got " + roc);
        }
        if (seq < 0 || seq > 0xFFFF) {
            throw new IllegalArgumentException("sequence number must be 0..65535, got " + seq);
        }
        return (roc << 16) | seq;
    }

    public static long roc(long index) {
        return index >>> 16;
    }

    public static int seq(long index) {
        return (int) (index & 0xFFFF);
    }

    /**
     * The index of the packet with sequence number {@code seq} nearest to {@code reference}
     * (RFC 3711 3.3.1: ROC-1, ROC or ROC+1 around the highest sequence number seen), never below
     * ROC 0; with no reference, ROC 0.
     */
    public static long estimate(long reference, int seq) {
        if (reference < 0) {
            return seq;
        }
        long roc = reference >>> 16;
        int highest = (int) (reference & 0xFFFF);
        long v;
        if (highest < 0x8000) {
            v = seq - highest > 0x8000 ? roc - 1 : roc;
        } else {
            v = highest - 0x8000 > seq ? roc + 1 : roc;
        }
        return (Math.max(0, Math.min(v, 0xFFFFFFFFL)) << 16) | seq;
    }

    /**
     * The highest index of one SSRC's packets, followed packet by packet (one writer thread;
     * readable from any thread, e.g. to publish it).
     */
    public static final class Tracker {
        private volatile long highest = UNKNOWN;

        /** The index of this packet; the highest moves on when it is newer. */
        public long update(int seq) {
            long h = highest;
            long index = estimate(h, seq);
            if (index > h) {
                highest = index;
            }
            return index;
        }

        /** Moves the highest on to a reference learnt elsewhere, if it is newer. Same thread as update. */
        public void advanceTo(long index) {
            if (index > highest) {
                highest = index;
            }
        }

        /** The highest index so far, or UNKNOWN. */
        public long highest() {
            return highest;
        }
    }
}
