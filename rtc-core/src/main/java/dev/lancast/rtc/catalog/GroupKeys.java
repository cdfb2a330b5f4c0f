package dev.lancast.rtc.catalog;

import dev.lancast.rtc.multicast.GroupKey;
import java.util.List;

/**
 * What the bridge hands an authenticated gateway at GET /api/keys: every key it may meet
 * (previous, current, next of each stream, and of the feedback keyring) as 56 hex digits (key and
 * salt), and the id of the feedback key in use, which gateways protect their feedback with. Each
 * stream has keys of its own: a relay installs only its stream's.
 *
 * @param current        the feedback key to use now
 * @param viewerTokenKey the bridge's secret that viewer tokens are MACed with in the public catalog
 *                       ({@link ViewerAccess}), as hex; null from a bridge that has none
 */
public record GroupKeys(int current, List<Key> keys, String viewerTokenKey) {
    public GroupKeys {
        keys = List.copyOf(keys);
        if (viewerTokenKey != null) {
            java.util.HexFormat.of().parseHex(viewerTokenKey); // checked here, so a gateway can use what it reads
        }
    }

    public GroupKeys(int current, List<Key> keys) {
        this(current, keys, null);
    }

    /** The viewer-token secret as bytes, or null. */
    public byte[] viewerTokenSecret() {
        return viewerTokenKey == null ? null : java.util.HexFormat.of().parseHex(viewerTokenKey);
    }

    /**
     * Checked here, so that a relay can install every key it is handed.
     *
     * @param stream the stream whose media the key protects; null for the feedback keyring
     */
    public record Key(int id, String material, String stream) {
        public Key {
            if (material == null) {
                throw new IllegalArgumentException("group key " + id + " has no material");
            }
            GroupKey.fromHex(id, material);
        }
    }
}
