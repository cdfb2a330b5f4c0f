package dev.lancast.rtc.multicast;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge's group keys: the one in use, the next one (published ahead, so every gateway has it
 * before the first packet under it), and the previous one (kept for packets still in flight and
 * for repairs from the cache). Rotation moves each one step; ids run 1..255 and wrap.
 */
public final class GroupKeyring {
    private final SecureRandom random;
    private volatile GroupKey previous;
    private volatile GroupKey current;
    private volatile GroupKey next;

    public GroupKeyring(SecureRandom random) {
        this.random = random;
        this.current = GroupKey.generate(1 + random.nextInt(255), random);
        this.next = GroupKey.generate(following(current.id()), random);
    }

    private static int following(int id) {
        return id == 255 ? 1 : id + 1;
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
        previous = current;
        current = next;
        next = GroupKey.generate(following(current.id()), random);
    }
}
