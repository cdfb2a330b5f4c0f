package dev.lancast.bench.load;

import java.net.URI;
import java.util.Map;

/**
 * One load run, checked on construction: the bounds keep a mistyped command from flooding a
 * machine (a few thousand viewers, ten minutes at most).
 *
 * @param whep        WHEP endpoint of a lancast gateway (or null with janus)
 * @param janus       base URL of a Janus HTTP transport, e.g. http://127.0.0.1:8088 (or null)
 * @param mountpoint  Janus streaming mountpoint id
 * @param token       Bearer token for WHEP (streams with viewer tokens)
 * @param viewers     sessions to open
 * @param seconds     length of the steady-state window, after the joins and the settle time
 * @param joinRate    new sessions per second
 * @param settleSeconds wait after the last join before the window starts
 * @param threads     event loops carrying the viewers' sockets
 * @param sampleEvery authenticate one packet in this many (after the first keyframe)
 * @param serverPids  processes whose CPU is reported over the window, by name
 */
public record LoadOptions(
        URI whep,
        URI janus,
        long mountpoint,
        String token,
        int viewers,
        int seconds,
        double joinRate,
        int settleSeconds,
        int threads,
        int sampleEvery,
        Map<String, Long> serverPids,
        int warmup) {
    public static final int MAX_VIEWERS = 5000;
    public static final int MAX_SECONDS = 600;

    public LoadOptions {
        if ((whep == null) == (janus == null)) {
            throw new IllegalArgumentException("give exactly one of --whep and --janus");
        }
        if (viewers < 1 || viewers > MAX_VIEWERS) {
            throw new IllegalArgumentException("--viewers must be 1.." + MAX_VIEWERS + " (got " + viewers + ")");
        }
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("--seconds must be 1.." + MAX_SECONDS + " (got " + seconds + ")");
        }
        if (!(joinRate > 0 && joinRate <= 1000)) {
            throw new IllegalArgumentException("--join-rate must be > 0 and <= 1000 per second (got " + joinRate + ")");
        }
        if (settleSeconds < 0 || settleSeconds > 60) {
            throw new IllegalArgumentException("--settle must be 0..60 s (got " + settleSeconds + ")");
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("--threads must be 1..64 (got " + threads + ")");
        }
        if (sampleEvery < 1) {
            throw new IllegalArgumentException("--sample must be >= 1 (got " + sampleEvery + ")");
        }
        if (viewers / joinRate + settleSeconds + seconds > MAX_SECONDS + 60) {
            throw new IllegalArgumentException(
                    "joins, settle and window would take more than " + (MAX_SECONDS + 60) + " s");
        }
        if (warmup < 0 || warmup > MAX_VIEWERS) {
            throw new IllegalArgumentException("--warmup must be 0.." + MAX_VIEWERS + " (got " + warmup + ")");
        }
        serverPids = Map.copyOf(serverPids);
    }

    /** Without a warm-up round. */
    public LoadOptions(
            URI whep,
            URI janus,
            long mountpoint,
            String token,
            int viewers,
            int seconds,
            double joinRate,
            int settleSeconds,
            int threads,
            int sampleEvery,
            Map<String, Long> serverPids) {
        this(
                whep,
                janus,
                mountpoint,
                token,
                viewers,
                seconds,
                joinRate,
                settleSeconds,
                threads,
                sampleEvery,
                serverPids,
                0);
    }
}
