package dev.lancast.rtc.limits;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A rate limit per source (a {@code long} key: see {@link ClientKeys}) for packets that arrive
 * before anything authenticates them, with room for a bounded number of sources. When the table
 * is full a new source takes the place of the one heard from least recently, with a full budget:
 * a flood from more sources than fit cannot lock anyone out, it can only make the limit per source
 * forgetful while it lasts (the cost per packet stays a few array reads). Refusing new sources
 * instead, as a fixed table does, lets ~{@code capacity} spoofed sources per idle interval keep
 * every real client out. Each budget is a generic cell rate algorithm as in {@link TokenBucket}.
 * O(1) per packet, nothing allocated. One owner thread (a media loop).
 */
public final class SourceBudgets {
    private final LruSlots slots;
    private final long interval;
    private final long tolerance;
    /** The theoretical arrival time of each slot's source. */
    private final long[] arrival;

    private long evictions;

    /**
     * @param capacity  sources tracked at once
     * @param perSecond packets per second each source may send
     * @param burst     packets a source may send at once
     */
    public SourceBudgets(int capacity, int perSecond, int burst) {
        this(capacity, perSecond, burst, ThreadLocalRandom.current().nextLong());
    }

    SourceBudgets(int capacity, int perSecond, int burst, long seed) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1");
        }
        this.slots = new LruSlots(capacity, seed);
        this.interval = 1_000_000_000L / perSecond;
        this.tolerance = (burst - 1) * interval;
        this.arrival = new long[capacity];
    }

    /** Whether one more packet of this source fits its budget now; if so it is counted. */
    public boolean tryAcquire(long source, long nowNanos) {
        int slot = slots.find(source);
        if (slot < 0) {
            if (slots.size() == slots.capacity()) {
                evictions++;
            }
            slot = slots.add(source);
            arrival[slot] = nowNanos;
        } else {
            slots.touch(slot);
        }
        long tat = arrival[slot] - nowNanos > 0 ? arrival[slot] : nowNanos;
        if (tat - nowNanos > tolerance) {
            return false;
        }
        arrival[slot] = tat + interval;
        return true;
    }

    /**
     * Gives a source a budget (full) if it has none, and marks it most recent: for sources vouched
     * for by something else (a client whose offer was answered), before they send.
     */
    public void add(long source, long nowNanos) {
        int slot = slots.find(source);
        if (slot >= 0) {
            slots.touch(slot);
            return;
        }
        if (slots.size() == slots.capacity()) {
            evictions++;
        }
        slot = slots.add(source);
        arrival[slot] = nowNanos;
    }

    /** Whether the source has a budget here now. */
    public boolean knows(long source) {
        return slots.find(source) >= 0;
    }

    /** Sources tracked now. */
    public int sources() {
        return slots.size();
    }

    /** Sources forgotten to make room for new ones: how often the table was too small. */
    public long evictions() {
        return evictions;
    }
}
