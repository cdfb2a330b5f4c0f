package dev.lancast.rtc.multicast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupKeyringTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void rotationPublishesPreviousCurrentAndNext() {
        GroupKeyring ring = new GroupKeyring(random, new KeyIds(random));
        GroupKey first = ring.current();
        assertEquals(2, ring.published().size(), "no previous key before the first rotation");
        GroupKey next = ring.published().get(1);
        ring.rotate();
        assertSame(next, ring.current(), "the key published ahead is the one used next");
        assertEquals(List.of(first, next), ring.published().subList(0, 2));
        assertSame(first, ring.find(first.id()));
        ring.rotate();
        ring.rotate();
        assertNull(ring.find(first.id()), "a key two rotations old is gone");
    }

    @Test
    void everyStreamHasItsOwnKeysWithIdsNoOtherRingPublishes() {
        KeyIds ids = new KeyIds(random);
        List<GroupKeyring> rings = new ArrayList<>();
        for (int i = 0; i < KeyIds.MAX_KEYRINGS; i++) {
            rings.add(new GroupKeyring(random, ids));
        }
        for (int round = 0; round < 20; round++) {
            Set<Integer> published = new HashSet<>();
            Set<String> material = new HashSet<>();
            for (GroupKeyring ring : rings) {
                for (GroupKey k : ring.published()) {
                    assertEquals(true, published.add(k.id()), "id " + k.id() + " published twice in round " + round);
                    material.add(k.toHex());
                }
            }
            assertEquals(published.size(), material.size(), "every key is a key of its own");
            rings.forEach(GroupKeyring::rotate);
        }
        assertNotEquals(rings.get(0).current().toHex(), rings.get(1).current().toHex());
    }

    @Test
    void aClosedRingGivesItsIdsBackForLater() {
        KeyIds ids = new KeyIds(random);
        List<GroupKeyring> rings = new ArrayList<>();
        for (int i = 0; i < KeyIds.MAX_KEYRINGS; i++) {
            rings.add(new GroupKeyring(random, ids));
        }
        rings.forEach(GroupKeyring::rotate);
        GroupKeyring extra = new GroupKeyring(random, ids); // takes two of the three spare ids
        assertThrows(IllegalStateException.class, () -> new GroupKeyring(random, ids), "all ids in use");
        extra.close();
        rings.remove(0).close();
        rings.add(new GroupKeyring(random, ids));
        rings.forEach(GroupKeyring::rotate);
    }

    /**
     * Issue 14: /api/keys read the three keys one by one while the rotation wrote them one by one,
     * so a gateway could get the current key twice and miss the next. With one ring and its own
     * KeyIds, consecutive keys have consecutive ids, so every set read must be three of them.
     */
    @Test
    void aSetReadDuringRotationsIsAlwaysOneMomentsSet() throws Exception {
        GroupKeyring ring = new GroupKeyring(random, new KeyIds(random));
        ring.rotate();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> torn = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(
                () -> {
                    while (!done.get()) {
                        List<GroupKey> keys = ring.published();
                        int a = keys.get(0).id();
                        int b = keys.get(1).id();
                        int c = keys.get(2).id();
                        if (b != successor(a) || c != successor(b)) {
                            torn.add(a + "," + b + "," + c);
                        }
                    }
                },
                "keyring-reader");
        reader.start();
        try {
            for (int i = 0; i < 20_000 && torn.isEmpty(); i++) {
                ring.rotate();
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertEquals(List.of(), torn.subList(0, Math.min(5, torn.size())), "sets read mid-rotation");
    }

    private static int successor(int id) {
        return id == 255 ? 1 : id + 1;
    }
}
