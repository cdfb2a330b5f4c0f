package dev.lancast.rtc.multicast;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * One set of group keys (a stream's, or the one gateways protect their feedback with): the key in
 * use, the next one (published ahead, so every gateway has it before the first packet under it),
 * and the previous one (kept for packets still in flight and for repairs from the cache). Rotation
 * moves each one step; the ids come from the bridge's shared {@link KeyIds}. The three keys are
 * one immutable value, swapped at once: a reader during a rotation sees the set before or after,
 * never half of each (issue 14: /api/keys could hand out a key twice and miss the current one).
 */
public final class GroupKeyring implements AutoCloseable {
    private final SecureRandom random;
    private final KeyIds ids;
    private volatile Ring ring;

    /** previous is null before the first rotation. */
    private record Ring(GroupKey previous, GroupKey current, GroupKey next) {}

    public GroupKeyring(SecureRandom random, KeyIds ids) {
        this.random = random;
        this.ids = ids;
        this.ring = new Ring(null, GroupKey.generate(ids.next(), random), GroupKey.generate(ids.next(), random));
    }

    public GroupKey current() {
        return ring.current();
    }

    /** The keys gateways need now, all from one moment: previous (if any), current, next. */
    public List<GroupKey> published() {
        Ring r = ring;
        List<GroupKey> keys = new ArrayList<>(3);
        if (r.previous() != null) {
            keys.add(r.previous());
        }
        keys.add(r.current());
        keys.add(r.next());
        return keys;
    }

    /** The published key with this id, or null. No allocation: called per feedback datagram. */
    public GroupKey find(int id) {
        Ring r = ring;
        if (r.current().id() == id) {
            return r.current();
        }
        if (r.next().id() == id) {
            return r.next();
        }
        return r.previous() != null && r.previous().id() == id ? r.previous() : null;
    }

    public synchronized void rotate() {
        Ring r = ring;
        ring = new Ring(r.current(), r.next(), GroupKey.generate(ids.next(), random));
        if (r.previous() != null) {
            ids.release(r.previous().id());
        }
    }

    /** Gives the ids back (the stream is gone); the ring is not used afterwards. */
    public synchronized void close() {
        published().forEach(k -> ids.release(k.id()));
    }
}
