package dev.lancast.rtc.rtp;

import java.util.Arrays;

/**
 * The last packets of one RTP stream, by sequence number, for answering NACKs: a ring of slots
 * (no allocation per packet), entries older than maxAge count as gone. A slot's bytes are
 * allocated the first time it is used and reused after, so a cache of a track that carries
 * nothing (a layer the publisher does not send, a media loop no viewer uses) costs no packet
 * memory. One thread at a time.
 */
public final class PacketCache {
    private final byte[][] slots;
    private final int[] lengths;
    private final int[] seqs;
    private final long[] times;
    private final int mask;
    private final int maxPacket;
    private final long maxAgeNanos;

    /** capacity is rounded up to a power of two; maxPacket is the largest packet kept. */
    public PacketCache(int capacity, int maxPacket, long maxAgeNanos) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.slots = new byte[size][];
        this.maxPacket = maxPacket;
        this.lengths = new int[size];
        this.seqs = new int[size];
        this.times = new long[size];
        this.mask = size - 1;
        this.maxAgeNanos = maxAgeNanos;
        Arrays.fill(seqs, -1);
    }

    public void put(int seq, byte[] buf, int off, int len, long nowNanos) {
        int i = seq & mask;
        if (len > maxPacket) {
            seqs[i] = -1;
            return;
        }
        if (slots[i] == null) {
            slots[i] = new byte[maxPacket];
        }
        System.arraycopy(buf, off, slots[i], 0, len);
        lengths[i] = len;
        seqs[i] = seq;
        times[i] = nowNanos;
    }

    /** Copies the packet into dst and returns its length, or -1 if it was never kept, overwritten or too old. */
    public int get(int seq, long nowNanos, byte[] dst, int dstOff) {
        int i = seq & mask;
        if (seqs[i] != seq || nowNanos - times[i] > maxAgeNanos) {
            return -1;
        }
        System.arraycopy(slots[i], 0, dst, dstOff, lengths[i]);
        return lengths[i];
    }

    public int capacity() {
        return mask + 1;
    }
}
