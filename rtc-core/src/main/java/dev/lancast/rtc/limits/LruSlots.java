package dev.lancast.rtc.limits;

import java.util.Arrays;

/**
 * A fixed number of slots named by {@code long} keys, in least-recently-used order: finding,
 * adding and evicting are O(1) and allocate nothing, so a table that attackers can fill (one
 * entry per spoofed source) costs the loop it runs on the same at 10 entries as when full. When
 * every slot is taken, adding a key takes the slot of the least recently used one. The caller keeps
 * what each slot holds in arrays of its own, indexed by slot. One owner thread.
 *
 * <p>An open-addressing hash table (linear probing, deletion by backward shift) maps keys to
 * slots; the slots form a doubly linked list from least to most recently used. Keys are mixed with
 * a per-table random seed, so a sender cannot choose keys that pile up in one probe run.
 */
final class LruSlots {
    private static final int EMPTY = -1;

    private final int capacity;
    private final int mask;
    /** Slot number at each table position, or EMPTY. */
    private final int[] table;

    private final long[] keys;
    /** Where each slot's key sits in the table. */
    private final int[] positions;

    private final int[] older;
    private final int[] newer;
    private final long seed;
    private int size;
    private int oldest = EMPTY;
    private int newest = EMPTY;

    LruSlots(int capacity, long seed) {
        if (capacity < 1 || capacity > 1 << 24) {
            throw new IllegalArgumentException("capacity must be 1..2^24, got " + capacity);
        }
        this.capacity = capacity;
        int tableSize = Integer.highestOneBit(capacity * 2 - 1) << 1; // load factor at most 1/2
        this.mask = tableSize - 1;
        this.table = new int[tableSize];
        Arrays.fill(table, EMPTY);
        this.keys = new long[capacity];
        this.positions = new int[capacity];
        this.older = new int[capacity];
        this.newer = new int[capacity];
        this.seed = seed;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    /** The slot of this key, or -1; does not change the order. */
    int find(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            int slot = table[i];
            if (slot == EMPTY) {
                return -1;
            }
            if (keys[slot] == key) {
                return slot;
            }
        }
    }

    /** Marks the slot most recently used. */
    void touch(int slot) {
        if (slot != newest) {
            unlink(slot);
            append(slot);
        }
    }

    /** The least recently used slot, or -1 when empty. */
    int oldest() {
        return oldest;
    }

    /**
     * A slot for a key not in the table (the caller checked with {@link #find}), most recently
     * used; when all are taken, the least recently used one's, its key forgotten. The caller resets
     * what it keeps for the slot.
     */
    int add(long key) {
        int slot;
        if (size < capacity) {
            slot = size++;
        } else {
            slot = oldest;
            removeAt(positions[slot]);
            unlink(slot);
        }
        keys[slot] = key;
        int i = home(key);
        while (table[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        table[i] = slot;
        positions[slot] = i;
        append(slot);
        return slot;
    }

    /** The key in a slot. */
    long key(int slot) {
        return keys[slot];
    }

    private int home(long key) {
        // MurmurHash3's 64-bit finaliser over the seeded key.
        long h = key ^ seed;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }

    /** Empties a table position, moving later keys of the probe run back so that none is lost. */
    private void removeAt(int position) {
        int hole = position;
        table[hole] = EMPTY;
        for (int i = (hole + 1) & mask; table[i] != EMPTY; i = (i + 1) & mask) {
            int slot = table[i];
            int home = home(keys[slot]);
            // The key may fill the hole only if its home is not in (hole, i] (cyclically).
            boolean homeBetween = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!homeBetween) {
                table[hole] = slot;
                positions[slot] = hole;
                table[i] = EMPTY;
                hole = i;
            }
        }
    }

    private void unlink(int slot) {
        int o = older[slot];
        int n = newer[slot];
        if (o == EMPTY) {
            oldest = n;
        } else {
            newer[o] = n;
        }
        if (n == EMPTY) {
            newest = o;
        } else {
            older[n] = o;
        }
    }

    private void append(int slot) {
        older[slot] = newest;
        newer[slot] = EMPTY;
        if (newest == EMPTY) {
            oldest = slot;
        } else {
            newer[newest] = slot;
        }
        newest = slot;
    }
}
