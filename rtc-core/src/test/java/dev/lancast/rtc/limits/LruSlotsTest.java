package dev.lancast.rtc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LruSlotsTest {
    @Test
    void theLeastRecentlyUsedKeyMakesRoom() {
        LruSlots slots = new LruSlots(3, 1);
        int a = slots.add(10);
        int b = slots.add(20);
        slots.add(30);
        slots.touch(a); // order now 20, 30, 10
        assertEquals(b, slots.oldest());
        int d = slots.add(40);
        assertEquals(b, d, "the slot of the least recently used key is reused");
        assertEquals(-1, slots.find(20));
        assertEquals(a, slots.find(10));
        assertEquals(3, slots.size());
    }

    /** Against a HashMap and a list as the model: random adds, finds and touches, many evictions. */
    @Test
    void behavesAsAnLruMapUnderRandomUse() {
        Random random = new Random(7);
        for (int capacity : new int[] {1, 2, 5, 64, 1000}) {
            LruSlots slots = new LruSlots(capacity, random.nextLong());
            Map<Long, Integer> model = new HashMap<>();
            java.util.LinkedHashMap<Long, Boolean> order = new java.util.LinkedHashMap<>(16, 0.75f, true);
            for (int step = 0; step < 50_000; step++) {
                long key = random.nextInt(capacity * 3);
                int slot = slots.find(key);
                assertEquals(model.containsKey(key), slot >= 0, "key " + key + " present");
                if (slot >= 0) {
                    assertEquals(model.get(key), slot);
                    slots.touch(slot);
                    order.get(key);
                } else {
                    if (model.size() == capacity) {
                        long evicted = order.keySet().iterator().next();
                        assertEquals(evicted, slots.key(slots.oldest()), "the oldest is the model's");
                        order.remove(evicted);
                        model.remove(evicted);
                    }
                    slot = slots.add(key);
                    model.put(key, slot);
                    order.put(key, true);
                }
                assertEquals(model.size(), slots.size());
            }
            for (Map.Entry<Long, Integer> e : model.entrySet()) {
                assertEquals(e.getValue(), slots.find(e.getKey()));
            }
            assertTrue(slots.size() <= capacity);
        }
    }
}
