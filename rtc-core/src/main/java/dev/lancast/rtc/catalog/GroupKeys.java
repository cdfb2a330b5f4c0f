package dev.lancast.rtc.catalog;

import java.util.List;

/**
 * What the bridge hands an authenticated gateway at GET /api/keys: the id of the key in use and
 * every key it may meet (previous, current, next) as 56 hex digits (key and salt).
 */
public record GroupKeys(int current, List<Key> keys) {
    public GroupKeys {
        keys = List.copyOf(keys);
    }

    public record Key(int id, String material) {
    }
}
