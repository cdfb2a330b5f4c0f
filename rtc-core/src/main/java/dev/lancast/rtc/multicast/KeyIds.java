package dev.lancast.rtc.multicast;

import java.security.SecureRandom;

/**
 * Hands out the one-byte key ids (1..255) of all the bridge's keyrings so that the ids published
 * at any time are distinct: a gateway finds a datagram's key by its id alone. A released id is
 * taken again only when the search has gone once around all ids, long after gateways dropped it.
 * Each keyring holds three ids and takes its next one before giving back its oldest, so at most
 * {@link #MAX_KEYRINGS} keyrings fit.
 */
public final class KeyIds {
    public static final int MAX_KEYRINGS = (255 - 3) / 3;

    private final boolean[] inUse = new boolean[256];
    private int last;

    public KeyIds(SecureRandom random) {
        this.last = 1 + random.nextInt(255);
    }

    /** The next free id after the last one handed out. */
    public synchronized int next() {
        for (int i = 0; i < 255; i++) {
            last = last == 255 ? 1 : last + 1;
            if (!inUse[last]) {
                inUse[last] = true;
                return last;
            }
        }
        throw new IllegalStateException("all 255 group key ids are in use");
    }

    public synchronized void release(int id) {
        inUse[id] = false;
    }
}
