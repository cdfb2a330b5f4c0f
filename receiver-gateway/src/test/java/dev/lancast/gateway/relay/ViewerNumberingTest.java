package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every packet a viewer is sent, as StreamRelay sends them (primer, live packets, late repairs
 * from the bridge, answers to the viewer's NACKs from the relay's cache), keyed by the number it
 * goes out with: under one SSRC and key, a number that comes again with other content is AES-GCM
 * nonce reuse. Across the 16-bit wrap.
 */
class ViewerNumberingTest {
    private final Map<Integer, String> sent = new HashMap<>();
    private final ViewerNumbering numbering = new ViewerNumbering();
    /** The relay numbers its cache holds: everything it received, before and after the join. */
    private final java.util.Set<Integer> cached = new java.util.HashSet<>();

    private void send(int viewerSeq, String content) {
        String before = sent.putIfAbsent(viewerSeq, content);
        if (before != null && !before.equals(content)) {
            fail("index " + viewerSeq + " sent with '" + before + "' and then with '" + content + "'");
        }
    }

    /** A relay packet (its content is its relay number) to the viewer, if the numbering lets it go. */
    private void relayPacket(int relaySeq) {
        int seq = numbering.toViewer(relaySeq & 0xFFFF);
        if (seq >= 0) {
            send(seq, "live " + (relaySeq & 0xFFFF));
        }
    }

    /** The viewer NACKs one of its numbers: answered from the relay's cache, which holds every live packet. */
    private void viewerNack(int viewerSeq) {
        int relaySeq = numbering.toRelay(viewerSeq & 0xFFFF);
        if (relaySeq >= 0 && cached.contains(relaySeq)) {
            relayPacket(relaySeq);
        }
    }

    @Test
    void noNumberEverCarriesTwoContents() {
        int join = 65500; // the relay's latest packet when the viewer joins, just before the wrap
        int primer = 40;
        for (int s = join - 200; s <= join; s++) {
            cached.add(s & 0xFFFF);
        }
        int first = numbering.primeAfter(join, primer);
        for (int i = 0; i < primer; i++) {
            send((first + i) & 0xFFFF, "primer " + i);
        }
        for (int s = join + 1; s <= join + 300; s++) {
            cached.add(s & 0xFFFF);
            relayPacket(s);
            if (s % 7 == 0) {
                relayPacket(s - 60); // a late repair from the bridge, also of packets from before the join
            }
        }
        for (int v = join - 100; v <= join + 400; v++) {
            viewerNack(v); // the viewer asks for everything, primer included
        }
        assertEquals(primer + 300, sent.size(), "the primer and every live packet went out once each");
        assertTrue(sent.containsValue("live " + ((join + 1) & 0xFFFF)), "the first live packet after the primer");
        assertFalse(sent.containsValue("live " + join), "nothing from before the join");
    }

    @Test
    void aViewerWithoutPrimerGetsTheRelaysNumbersAsTheyAre() {
        assertEquals(100, numbering.toViewer(100));
        assertEquals(99, numbering.toViewer(99), "a late packet still goes: no primer took its number");
        assertEquals(100, numbering.toRelay(100));
    }

    @Test
    void theJoinCheckEndsOnceNothingFromBeforeTheJoinCanArrive() {
        numbering.primeAfter(1000, 10);
        assertEquals(-1, numbering.toViewer(1000));
        assertEquals(1011, numbering.toViewer(1001));
        for (int s = 1002; s < 1000 + 40_000; s++) {
            assertTrue(numbering.toViewer(s & 0xFFFF) >= 0, "relay packet " + s + " reaches the viewer");
        }
    }
}
