package dev.lancast.rtc.limits;

import dev.lancast.rtc.http.HttpError;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Admits WebRTC sessions up to a total and a number per client, so that one host cannot take
 * every session (and the DTLS threads behind them) from the others. A client is an IPv4 address or
 * an IPv6 /64 ({@link ClientKeys#host}): an IPv6 host can use any address of its /64. A session
 * holds its {@link Slot} until it ends.
 */
public final class SessionAdmission {
    /** Seconds a refused client is told to wait: sessions end or time out on that scale. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final int maxTotal;
    private final int maxPerAddress;
    private final LimitCounters counters;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int total;

    public SessionAdmission(int maxTotal, int maxPerAddress, LimitCounters counters) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.counters = counters;
    }

    /** A slot for one more session from this client, or the refusal: 503 when full, 429 for this address. */
    public synchronized Slot admit(InetAddress address) throws HttpError {
        InetAddress client = ClientKeys.host(address);
        int mine = perAddress.getOrDefault(client, 0);
        if (mine >= maxPerAddress) {
            counters.refused(Limit.SESSIONS_PER_ADDRESS);
            throw new HttpError(
                    429,
                    "too many sessions from " + ClientKeys.describe(client) + " (at most " + maxPerAddress
                            + "); end one first",
                    retryAfter());
        }
        if (total >= maxTotal) {
            counters.refused(Limit.SESSIONS);
            throw new HttpError(
                    503, "this server is at its limit of " + maxTotal + " sessions; try again later", retryAfter());
        }
        perAddress.put(client, mine + 1);
        total++;
        return new Slot(client);
    }

    public synchronized int sessions() {
        return total;
    }

    private synchronized void release(InetAddress client) {
        total--;
        perAddress.computeIfPresent(client, (a, n) -> n == 1 ? null : n - 1);
    }

    private static Map<String, String> retryAfter() {
        return Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }

    /** One admitted session's place; released once, by whoever sees the session end first. */
    public final class Slot {
        private final InetAddress client;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(InetAddress client) {
            this.client = client;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                SessionAdmission.this.release(client);
            }
        }
    }
}
