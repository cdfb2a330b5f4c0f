package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("long")
class SlotRingTest {
    @Test
    void aFullRingRefusesUntilTheConsumerFreesSlots() {
        SlotRing ring = new SlotRing(4, 16);
        for (int i = 0; i < 4; i++) {
            byte[] slot = ring.claim();
            assertNotNull(slot, "slot " + i);
            slot[0] = (byte) i;
            ring.publish(7, 1);
        }
        assertNull(ring.claim(), "four of four slots hold unread messages");
        assertEquals(4, ring.size());
        List<Integer> seen = new ArrayList<>();
        assertEquals(4, ring.drain((type, data, length) -> seen.add(type * 100 + data[0])));
        assertEquals(List.of(700, 701, 702, 703), seen, "in order, with their types and contents");
        assertNotNull(ring.claim(), "room again once read");
    }

    @Test
    void sizesMustBePowersOfTwoAndPublishNeedsAClaim() {
        assertThrows(IllegalArgumentException.class, () -> new SlotRing(6, 16));
        assertThrows(IllegalStateException.class, () -> new SlotRing(4, 16).publish(1, 0));
    }

    /** A producer and a consumer thread: every message arrives once, in order, with the bytes written. */
    @Test
    void aProducerAndAConsumerThreadPassEveryMessageIntactAndInOrder() throws Exception {
        SlotRing ring = new SlotRing(64, 8);
        int messages = 300_000;
        AtomicReference<String> failure = new AtomicReference<>();
        Thread consumer = new Thread(
                () -> {
                    long[] expected = {0};
                    while (expected[0] < messages && failure.get() == null) {
                        ring.drain((type, data, length) -> {
                            long v = 0;
                            for (int i = 0; i < 8; i++) {
                                v = (v << 8) | (data[i] & 0xFF);
                            }
                            if (v != expected[0] || type != (int) (v & 7) || length != 8) {
                                failure.compareAndSet(
                                        null, "message " + expected[0] + " read as " + v + " type " + type);
                            }
                            expected[0]++;
                        });
                    }
                },
                "slot-ring-test-consumer");
        consumer.start();
        for (long m = 0; m < messages; m++) {
            byte[] slot;
            while ((slot = ring.claim()) == null) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < 8; i++) {
                slot[i] = (byte) (m >>> (56 - 8 * i));
            }
            ring.publish((int) (m & 7), 8);
        }
        consumer.join(60_000);
        assertEquals(null, failure.get());
        assertEquals(0, ring.size());
    }
}
