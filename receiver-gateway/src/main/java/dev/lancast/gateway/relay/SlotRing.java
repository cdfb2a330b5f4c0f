package dev.lancast.gateway.relay;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A single-producer, single-consumer ring of preallocated packet slots: the producer claims a
 * slot, fills it and publishes it; the consumer reads slots in order and frees them. No allocation
 * or lock per packet; a release store publishes each slot's contents (the consumer's acquire load of
 * the tail sees them) and another frees it. (Agrona's rings do this and more, but Agrona 2 needs
 * {@code --add-exports java.base/jdk.internal.misc} on every JVM that runs a gateway: more weight
 * than these few lines.)
 */
final class SlotRing {
    /** Reads one published slot; the bytes are valid only during the call. */
    interface Reader {
        void onSlot(int type, byte[] data, int length);
    }

    private final int mask;
    private final int[] types;
    private final int[] lengths;
    private final byte[][] data;
    private final int slotBytes;
    /** Next slot to publish: written by the producer (release), read by the consumer. */
    private final AtomicLong tail = new AtomicLong();
    /** Next slot to read: written by the consumer (release), read by the producer. */
    private final AtomicLong head = new AtomicLong();
    /** The producer's last view of head, so a claim reads the consumer's counter only when the ring looks full. */
    private long knownHead;

    private int claimed = -1;

    /** @param slots a power of two; @param slotBytes the largest packet a slot holds */
    SlotRing(int slots, int slotBytes) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, not " + slots);
        }
        this.mask = slots - 1;
        this.types = new int[slots];
        this.lengths = new int[slots];
        // A slot's bytes come with its first claim: a ring that is never used costs no packet memory.
        this.data = new byte[slots][];
        this.slotBytes = slotBytes;
    }

    /** Slots published and not read yet (a snapshot; either side may call it). */
    int size() {
        return (int) (tail.get() - head.get());
    }

    /** Producer: the array of the next free slot to fill, or null when the ring is full. */
    byte[] claim() {
        long t = tail.get();
        if (t - knownHead > mask) {
            knownHead = head.get();
            if (t - knownHead > mask) {
                return null;
            }
        }
        claimed = (int) (t & mask);
        if (data[claimed] == null) {
            data[claimed] = new byte[slotBytes];
        }
        return data[claimed];
    }

    /** Producer: publishes the slot last claimed, holding {@code length} bytes of message {@code type}. */
    void publish(int type, int length) {
        if (claimed < 0) {
            throw new IllegalStateException("publish without a claim");
        }
        types[claimed] = type;
        lengths[claimed] = length;
        claimed = -1;
        tail.lazySet(tail.get() + 1);
    }

    /** Consumer: reads every slot published so far, in order; returns how many. */
    int drain(Reader reader) {
        long h = head.get();
        long t = tail.get();
        int n = 0;
        for (; h < t; h++, n++) {
            int i = (int) (h & mask);
            reader.onSlot(types[i], data[i], lengths[i]);
            head.lazySet(h + 1);
        }
        return n;
    }
}
