package dev.lancast.gateway.relay;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which video layers of a stream the viewers of a gateway need now: each viewer shard publishes a
 * bit mask of the layers (slots) its viewers are on or being switched to, from its own loop; the
 * stream's group membership reads the union and joins or leaves groups. A shard that needs a layer
 * no one needed before calls the listener at once, so the join does not wait for the next check.
 */
final class LayerDemand {
    private final AtomicIntegerArray masks;
    private final Runnable onMore;

    /** @param onMore told (on the shard's loop; it must only post work) when a layer is newly needed */
    LayerDemand(int shards, Runnable onMore) {
        this.masks = new AtomicIntegerArray(shards);
        this.onMore = onMore;
    }

    /** A shard's needs from now on. Its own loop. */
    void publish(int shard, int mask) {
        int before = masks.getAndSet(shard, mask);
        if ((mask & ~before) != 0) {
            onMore.run();
        }
    }

    /** The layers (slot bits) any shard needs. Any thread. */
    int needed() {
        int all = 0;
        for (int i = 0; i < masks.length(); i++) {
            all |= masks.get(i);
        }
        return all;
    }
}
