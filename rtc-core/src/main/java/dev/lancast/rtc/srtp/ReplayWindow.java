package dev.lancast.rtc.srtp;

import java.util.Arrays;

/**
 * An RFC 3711 (3.3.2) replay list for one SSRC, wider than jitsi-srtp's fixed 64 packets: on the
 * multicast hop a repaired packet may arrive after a whole keyframe burst has gone by. Indexes are
 * 48-bit (rollover counter and sequence number) estimated as RFC 3711 appendix A does. Only
 * authenticated packets may be recorded, so a forger cannot fill the window.
 */
final class ReplayWindow {
    private final long[] bits;
    private final int size;
    private long highest = -1;

    ReplayWindow(int size) {
        this(size, -1);
    }

    /**
     * A window that counts every index up to {@code floor} as seen (none when -1): a receiver that
     * starts mid-stream refuses what is older than what it knows of the stream.
     */
    ReplayWindow(int size, long floor) {
        if (Integer.bitCount(size) != 1 || size < 64) {
            throw new IllegalArgumentException("window size must be a power of two >= 64");
        }
        this.size = size;
        this.bits = new long[size / 64];
        if (floor >= 0) {
            highest = floor;
            Arrays.fill(bits, -1L);
        }
    }

    /** Records the packet and returns true, or returns false for a duplicate or one too old to tell. */
    boolean accept(int seq) {
        return accept(estimate(seq));
    }

    /** As {@link #accept(int)} for a packet whose 48-bit index the caller estimated. */
    boolean accept(long index) {
        if (highest < 0 || index > highest) {
            long advance = highest < 0 ? size : index - highest;
            for (long i = 1; i <= Math.min(advance, size); i++) {
                clear(index - i + 1);
            }
            highest = index;
            set(index);
            return true;
        }
        if (highest - index >= size || isSet(index)) {
            return false;
        }
        set(index);
        return true;
    }

    /** The highest index accepted so far, or -1. */
    long highest() {
        return highest;
    }

    private long estimate(int seq) {
        if (highest < 0) {
            return seq;
        }
        long base = highest & ~0xFFFFL;
        long candidate = base | seq;
        if (candidate - highest > 0x8000) {
            candidate -= 0x10000;
        } else if (highest - candidate > 0x8000) {
            candidate += 0x10000;
        }
        return candidate;
    }

    private boolean isSet(long index) {
        int bit = (int) (index & (size - 1));
        return (bits[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void set(long index) {
        int bit = (int) (index & (size - 1));
        bits[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long index) {
        int bit = (int) (index & (size - 1));
        bits[bit >>> 6] &= ~(1L << (bit & 63));
    }
}
