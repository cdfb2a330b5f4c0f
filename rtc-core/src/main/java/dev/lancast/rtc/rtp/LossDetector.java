package dev.lancast.rtc.rtp;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Finds the gaps in one RTP stream and decides when to ask for each missing packet again
 * (generic NACK). The clock comes in as nowNanos so tests are deterministic; the first request
 * for a gap waits a small random delay, as Aeron's multicast NAKs do, so that gateways which all
 * miss the same packet do not all ask at once; then it repeats at a fixed interval until the
 * packet arrives or the attempts run out. Slots are reused; nothing is allocated per packet.
 */
public final class LossDetector {
    /** Gaps wider than this are a restart or a long outage, not something NACKs can repair. */
    private static final int MAX_GAP = 256;

    private final int mask;
    private final int[] seqs;
    private final long[] nextNackNanos;
    private final int[] attempts;
    private final long firstDelayMaxNanos;
    private final long retryNanos;
    private final int maxAttempts;
    private final RandomGenerator random;
    private int highest = -1;
    private int pending;
    private long lost;
    private long repaired;
    private long unrecovered;
    private long nacksRequested;

    public LossDetector(
            int capacity, long firstDelayMaxNanos, long retryNanos, int maxAttempts, RandomGenerator random) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.mask = size - 1;
        this.seqs = new int[size];
        this.nextNackNanos = new long[size];
        this.attempts = new int[size];
        this.firstDelayMaxNanos = firstDelayMaxNanos;
        this.retryNanos = retryNanos;
        this.maxAttempts = maxAttempts;
        this.random = random;
        Arrays.fill(seqs, -1);
    }

    /**
     * Forgets the stream followed so far (its source changed: a restarted bridge): its open gaps
     * count as unrecovered, and the next packet starts a new stream. The counters go on.
     */
    public void restart() {
        unrecovered += pending;
        pending = 0;
        highest = -1;
        Arrays.fill(seqs, -1);
    }

    /** Records an arriving packet (new, late or repaired). */
    public void onPacket(int seq, long nowNanos) {
        if (highest < 0) {
            highest = seq;
            return;
        }
        int ahead = SequenceNumbers.diff(seq, highest);
        if (ahead > 0) {
            if (ahead <= MAX_GAP) {
                for (int s = 1; s < ahead; s++) {
                    markMissing((highest + s) & 0xFFFF, nowNanos);
                }
            }
            highest = seq;
        }
        int i = seq & mask;
        if (seqs[i] == seq) {
            seqs[i] = -1;
            pending--;
            repaired++;
        }
    }

    private void markMissing(int seq, long nowNanos) {
        int i = seq & mask;
        if (seqs[i] >= 0) {
            // The slot still holds an older gap that never got repaired: it is lost for good.
            pending--;
            unrecovered++;
        }
        seqs[i] = seq;
        attempts[i] = 0;
        nextNackNanos[i] = nowNanos + (firstDelayMaxNanos > 0 ? random.nextLong(firstDelayMaxNanos) : 0);
        pending++;
        lost++;
    }

    /** Writes the sequence numbers due for a NACK now into out; returns how many. */
    public int collectDue(long nowNanos, int[] out) {
        if (pending == 0) {
            return 0;
        }
        int n = 0;
        for (int back = 1; back <= mask && n < out.length; back++) {
            int seq = (highest - back) & 0xFFFF;
            int i = seq & mask;
            if (seqs[i] != seq || nextNackNanos[i] > nowNanos) {
                continue;
            }
            if (attempts[i] >= maxAttempts) {
                seqs[i] = -1;
                pending--;
                unrecovered++;
                continue;
            }
            attempts[i]++;
            nextNackNanos[i] = nowNanos + retryNanos;
            out[n++] = seq;
        }
        // collected newest first; NACK packing wants ascending order
        for (int a = 0, b = n - 1; a < b; a++, b--) {
            int t = out[a];
            out[a] = out[b];
            out[b] = t;
        }
        nacksRequested += n;
        return n;
    }

    public long lost() {
        return lost;
    }

    public long repaired() {
        return repaired;
    }

    public long unrecovered() {
        return unrecovered;
    }

    public long nacksRequested() {
        return nacksRequested;
    }

    public int pending() {
        return pending;
    }
}
