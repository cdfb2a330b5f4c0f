package dev.lancast.rtc.catalog;

import dev.lancast.rtc.multicast.GroupKey;
import java.util.List;

/**
 * What the bridge hands an authenticated gateway at GET /api/keys: the id of the key in use and
 * every key it may meet (previous, current, next) as 56 hex digits (key and salt).
 */
public record GroupKeys(int current, List<Key> keys) {
    public GroupKeys {
        keys = List.copyOf(keys);
    }

    /** Checked here, so that a relay can install every key it is handed. */
    public record Key(int id, String material) {
        public Key {
            if (material == null) {
                throw new IllegalArgumentException("group key " + id + " has no material");
            }
            GroupKey.fromHex(id, material);
        }
    }
}
