package dev.lancast.bench.load;

/**
 * Counts one track's packets by RTP sequence number (RFC 3550 A.1 style extension across wraps)
 * without touching payloads: what was received, and how many the sequence says were sent.
 * Single-threaded: the owning viewer's event loop.
 */
final class TrackCounter {
    private boolean started;
    private long base;
    private long highest;
    private long received;

    void onPacket(int seq) {
        if (!started) {
            started = true;
            base = seq;
            highest = seq;
            received = 1;
            return;
        }
        long ext = highest + (short) (seq - (int) (highest & 0xFFFF));
        if (ext > highest) {
            highest = ext;
        }
        received++;
    }

    long received() {
        return received;
    }

    /** Packets the sequence numbers say were sent from the first one received to the highest. */
    long expected() {
        return started ? highest - base + 1 : 0;
    }
}
