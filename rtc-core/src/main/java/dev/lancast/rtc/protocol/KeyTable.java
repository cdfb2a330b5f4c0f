package dev.lancast.rtc.protocol;

import dev.lancast.rtc.multicast.GroupKey;
import java.util.Collection;
import java.util.function.Function;

/**
 * The crypto contexts of a set of group keys, by the key id a lancast datagram carries (one byte,
 * so a table of 256): what a relay opens the group's datagrams with, what the bridge opens the
 * gateways' feedback with, what a gateway protects its feedback with. One key-install path for
 * all three: {@link #use} installs exactly the keys it is given, opens a context for each new id,
 * opens a new one where an id now names other material (the bridge restarted and its random id
 * space gave an old id to a new key: comparing ids alone kept stale material for up to an hour),
 * and closes the contexts of ids no longer given. A lookup by id allocates nothing. One owner
 * thread (the media loop that reads the datagrams).
 *
 * @param <T> the context made from a key: a receiver or a sender
 */
public final class KeyTable<T extends AutoCloseable> implements AutoCloseable {
    private final Function<GroupKey, T> open;
    private final Object[] contexts = new Object[256];
    private final GroupKey[] keys = new GroupKey[256];

    /** @param open makes the context of a key (called on the owner thread, once per installed key) */
    public KeyTable(Function<GroupKey, T> open) {
        this.open = open;
    }

    /** From now on exactly these keys (at most one per id); returns how many contexts were opened. */
    public int use(Collection<GroupKey> next) {
        boolean[] present = new boolean[256];
        int opened = 0;
        for (GroupKey k : next) {
            int id = k.id();
            if (present[id]) {
                throw new IllegalArgumentException("two keys with id " + id);
            }
            present[id] = true;
            if (keys[id] != null && !keys[id].sameMaterial(k)) {
                closeAt(id);
            }
            if (contexts[id] == null) {
                contexts[id] = open.apply(k);
                keys[id] = k;
                opened++;
            }
        }
        for (int id = 0; id < 256; id++) {
            if (!present[id] && contexts[id] != null) {
                closeAt(id);
            }
        }
        return opened;
    }

    /** The context of key id (0..255), or null when no such key is installed. */
    @SuppressWarnings("unchecked")
    public T get(int id) {
        return (T) contexts[id];
    }

    /** The installed key of this id, or null. */
    public GroupKey key(int id) {
        return keys[id];
    }

    private void closeAt(int id) {
        AutoCloseable c = (AutoCloseable) contexts[id];
        contexts[id] = null;
        keys[id] = null;
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the context of key " + id, e);
        }
    }

    @Override
    public void close() {
        for (int id = 0; id < 256; id++) {
            if (contexts[id] != null) {
                closeAt(id);
            }
        }
    }
}
