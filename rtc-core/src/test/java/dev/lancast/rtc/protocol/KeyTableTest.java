package dev.lancast.rtc.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.multicast.GroupKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyTableTest {
    private final SecureRandom random = new SecureRandom();

    /** A context that remembers its key and whether it was closed. */
    private static final class Context implements AutoCloseable {
        final GroupKey key;
        boolean closed;

        Context(GroupKey key) {
            this.key = key;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<Context> opened = new ArrayList<>();
    private final KeyTable<Context> table = new KeyTable<>(k -> {
        Context c = new Context(k);
        opened.add(c);
        return c;
    });

    @Test
    void opensEachNewIdOnceAndKeepsTheContextWhileTheKeyStays() {
        GroupKey a = GroupKey.generate(7, random);
        GroupKey b = GroupKey.generate(8, random);
        assertEquals(2, table.use(List.of(a, b)));
        Context ofA = table.get(7);
        assertSame(a, ofA.key);
        // The bridge publishes every second; the same keys change nothing (a replay window lives in the context).
        assertEquals(0, table.use(List.of(GroupKey.fromHex(7, a.toHex()), b)));
        assertSame(ofA, table.get(7));
        assertNull(table.get(9));
    }

    @Test
    void anIdGivenToNewMaterialGetsANewContext() {
        GroupKey before = GroupKey.generate(200, random);
        table.use(List.of(before));
        Context stale = table.get(200);
        // A restarted bridge's id space gave id 200 to a new key (about 1 restart in 255).
        GroupKey after = GroupKey.generate(200, random);
        assertEquals(1, table.use(List.of(after)));
        assertTrue(stale.closed, "the stale context is closed");
        assertNotSame(stale, table.get(200));
        assertSame(after, table.get(200).key);
        assertTrue(table.key(200).sameMaterial(after));
    }

    @Test
    void idsNoLongerGivenAreClosed() {
        GroupKey a = GroupKey.generate(1, random);
        GroupKey b = GroupKey.generate(2, random);
        table.use(List.of(a, b));
        Context ofA = table.get(1);
        table.use(List.of(b));
        assertTrue(ofA.closed);
        assertNull(table.get(1));
        assertNull(table.key(1));
        table.close();
        assertTrue(opened.stream().allMatch(c -> c.closed), "close() closes everything");
    }

    @Test
    void twoKeysWithOneIdAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> table.use(List.of(GroupKey.generate(3, random), GroupKey.generate(3, random))));
    }
}
