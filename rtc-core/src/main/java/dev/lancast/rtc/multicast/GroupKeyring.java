package dev.lancast.rtc.multicast;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * One set of group keys (a stream's, or the one gateways protect their feedback with): the key in
 * use, the next one (published ahead, so every gateway has it before the first packet under it),
 * and the previous one (kept for packets still in flight and for repairs from the cache). Rotation
 * moves each one step; the ids come from the bridge's shared {@link KeyIds}.
 */
public final class GroupKeyring implements AutoCloseable {
    private final SecureRandom random;
    private final KeyIds ids;
    private volatile GroupKey previous;
    private volatile GroupKey current;
    private volatile GroupKey next;

    public GroupKeyring(SecureRandom random, KeyIds ids) {
        this.random = random;
        this.ids = ids;
        this.current = GroupKey.generate(ids.next(), random);
        this.next = GroupKey.generate(ids.next(), random);
    }

    public GroupKey current() {
        return current;
    }

    /** The keys gateways need now: previous (if any), current, next. */
    public List<GroupKey> published() {
        List<GroupKey> keys = new ArrayList<>(3);
        GroupKey p = previous;
        if (p != null) {
            keys.add(p);
        }
        keys.add(current);
        keys.add(next);
        return keys;
    }

    /** The published key with this id, or null. */
    public GroupKey find(int id) {
        for (GroupKey k : published()) {
            if (k.id() == id) {
                return k;
            }
        }
        return null;
    }

    public synchronized void rotate() {
        GroupKey dropped = previous;
        previous = current;
        current = next;
        next = GroupKey.generate(ids.next(), random);
        if (dropped != null) {
            ids.release(dropped.id());
        }
    }

    /** Gives the ids back (the stream is gone); the ring is not used afterwards. */
    public synchronized void close() {
        published().forEach(k -> ids.release(k.id()));
    }
}
