package dev.lancast.rtc.rtp;

/** 16-bit RTP sequence number arithmetic across the wrap. */
public final class SequenceNumbers {
    private SequenceNumbers() {}

    /** Signed distance from b to a, in -32768..32767. */
    public static int diff(int a, int b) {
        return (short) (a - b);
    }

    public static boolean isNewer(int a, int b) {
        return diff(a, b) > 0;
    }

    /**
     * seq as a count that does not wrap: the one of its values (seq plus a multiple of 2^16)
     * nearest to highest, an earlier result (start one at {@code 0x10000 | seq}, so that a packet
     * from just before stays positive).
     */
    public static long extend(long highest, int seq) {
        long candidate = (highest & ~0xFFFFL) | seq;
        if (candidate - highest > 0x8000) {
            candidate -= 0x10000;
        } else if (highest - candidate > 0x8000) {
            candidate += 0x10000;
        }
        return candidate;
    }
}
