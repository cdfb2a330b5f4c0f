package dev.lancast.rtc.limits;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Slows down online guessing of tokens (N13): an address with {@link #MAX_FAILURES} failed
 * authentications within {@link #WINDOW_SECONDS} gets 429 on every request that carries a
 * credential for the next {@link #BLOCK_SECONDS}, whether its credential is right or not (else a
 * 200 would tell the guesser), so ten guesses cost a minute. Per address, not per IPv6 /64: on a
 * LAN a whole subnet is one /64, and a guesser there would lock its gateway out. At most
 * {@link #MAX_ADDRESSES} addresses are remembered (the least recently failed go first): a failure
 * costs an attacker a request, and the table never grows past that.
 */
public final class AuthFailureBackoff {
    public static final int MAX_FAILURES = 10;
    public static final int WINDOW_SECONDS = 60;
    public static final int BLOCK_SECONDS = 60;
    static final int MAX_ADDRESSES = 4096;

    private final LongSupplier nanos;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    private static final class Entry {
        long windowStart;
        int failures;
        long blockedUntil;
        boolean blocked;
    }

    /** An address, by its bytes. */
    private record Key(byte[] prefix) {
        static Key of(InetAddress address) {
            return new Key(address.getAddress());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(prefix, k.prefix);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(prefix);
        }
    }

    public AuthFailureBackoff(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Nanoseconds this address is still refused for, 0 when it is not. */
    public synchronized long blockedNanos(InetAddress address) {
        Entry e = entries.get(Key.of(address));
        if (e == null || !e.blocked) {
            return 0;
        }
        long left = e.blockedUntil - nanos.getAsLong();
        if (left <= 0) {
            e.blocked = false;
            return 0;
        }
        return left;
    }

    /** Seconds to put in Retry-After for a refused address (at least 1). */
    public long retryAfterSeconds(InetAddress address) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(blockedNanos(address) + TimeUnit.SECONDS.toNanos(1) - 1));
    }

    /** A failed authentication from this address. */
    public synchronized void failed(InetAddress address) {
        long now = nanos.getAsLong();
        Entry e = entries.computeIfAbsent(Key.of(address), k -> new Entry());
        if (e.failures == 0 || now - e.windowStart > TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
            e.windowStart = now;
            e.failures = 0;
        }
        if (++e.failures >= MAX_FAILURES) {
            e.blocked = true;
            e.blockedUntil = now + TimeUnit.SECONDS.toNanos(BLOCK_SECONDS);
            e.failures = 0;
        }
    }
}
