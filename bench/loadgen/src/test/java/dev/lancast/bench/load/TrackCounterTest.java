package dev.lancast.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrackCounterTest {
    @Test
    void countsAcrossTheSequenceWrapAndSeesGaps() {
        TrackCounter c = new TrackCounter();
        for (int i = 0; i < 20; i++) {
            if (i != 7 && i != 8) {
                c.onPacket((65530 + i) & 0xFFFF);
            }
        }
        assertEquals(18, c.received());
        assertEquals(20, c.expected());
    }

    @Test
    void lateAndReorderedPacketsDoNotMoveTheHighest() {
        TrackCounter c = new TrackCounter();
        for (int seq : new int[] {100, 102, 101, 103, 99}) {
            c.onPacket(seq);
        }
        assertEquals(5, c.received());
        assertEquals(4, c.expected(), "99 came before the first one counted: it is received, not expected");
        assertEquals(0, new TrackCounter().expected());
    }
}
