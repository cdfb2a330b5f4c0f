package dev.lancast.rtc.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The NACK repair building blocks: the packet cache and the loss detector, on a fake clock. */
class RepairTest {
    private static final long MS = 1_000_000L;

    @Test
    void cacheReturnsWhatItKeptAcrossTheWrap() {
        PacketCache cache = new PacketCache(8, 100, 1000 * MS);
        byte[] dst = new byte[100];
        for (int seq = 65530; seq < 65540; seq++) {
            cache.put(seq & 0xFFFF, new byte[] {(byte) seq, 1, 2}, 0, 3, 0);
        }
        assertEquals(3, cache.get(2, 10 * MS, dst, 0));
        assertArrayEquals(new byte[] {(byte) 65538, 1, 2}, Arrays.copyOf(dst, 3));
        assertEquals(-1, cache.get(65531, 10 * MS, dst, 0), "overwritten by a newer packet in its slot");
        assertEquals(-1, cache.get(2, 2000 * MS, dst, 0), "older than the age limit");
        assertEquals(-1, cache.get(100, 0, dst, 0), "never seen");
    }

    @Test
    void cacheRefusesPacketsLargerThanItsSlots() {
        PacketCache cache = new PacketCache(4, 10, 1000 * MS);
        cache.put(1, new byte[20], 0, 20, 0);
        assertEquals(-1, cache.get(1, 0, new byte[20], 0));
        assertEquals(4, cache.capacity());
    }

    private static LossDetector detector() {
        return new LossDetector(64, 0, 30 * MS, 3, new SplittableRandom(1));
    }

    @Test
    void aGapIsNackedThenRetriedUntilRepaired() {
        LossDetector loss = detector();
        int[] out = new int[16];
        loss.onPacket(65534, 0);
        loss.onPacket(1, 1 * MS); // 65535 and 0 missing, across the wrap
        assertEquals(2, loss.lost());
        assertEquals(2, loss.collectDue(1 * MS, out));
        assertArrayEquals(new int[] {65535, 0}, Arrays.copyOf(out, 2));
        assertEquals(0, loss.collectDue(10 * MS, out), "not again before the retry interval");
        loss.onPacket(65535, 20 * MS); // repaired
        assertEquals(1, loss.collectDue(31 * MS, out));
        assertEquals(0, out[0]);
        assertEquals(1, loss.repaired());
        assertEquals(1, loss.pending());
    }

    @Test
    void aPacketNeverRepairedIsCountedUnrecoveredAfterTheLastAttempt() {
        LossDetector loss = detector();
        int[] out = new int[16];
        loss.onPacket(10, 0);
        loss.onPacket(12, 0);
        for (int attempt = 0; attempt < 3; attempt++) {
            assertEquals(1, loss.collectDue(attempt * 30 * MS, out));
        }
        assertEquals(0, loss.collectDue(200 * MS, out));
        assertEquals(1, loss.unrecovered());
        assertEquals(0, loss.pending());
        assertEquals(3, loss.nacksRequested());
    }

    @Test
    void reorderingWithinTheFirstDelayCostsNoNack() {
        LossDetector loss = new LossDetector(64, 5 * MS, 30 * MS, 3, new SplittableRandom(7));
        int[] out = new int[16];
        loss.onPacket(100, 0);
        loss.onPacket(102, 0);
        loss.onPacket(101, 0); // late, before any NACK was due
        assertEquals(0, loss.collectDue(10 * MS, out));
        assertEquals(1, loss.repaired());
    }

    @Test
    void aHugeJumpIsARestartNotALoss() {
        LossDetector loss = detector();
        loss.onPacket(100, 0);
        loss.onPacket(30_000, 0);
        assertEquals(0, loss.lost());
    }
}
