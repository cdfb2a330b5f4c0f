package dev.lancast.rtc.config;

/**
 * The one UDP port all WebRTC sessions of a process share.
 *
 * @param listen                address and port of the ICE-lite port
 * @param advertise             the address written in ICE candidates; defaults to the listen host
 * @param consentTimeoutSeconds a session without STUN checks this long ends (RFC 7675); 0 means 30
 * @param threads               media event loops, each with its own socket on the port (gateway only);
 *                              0 means one per available core
 */
public record MediaSettings(HostPort listen, String advertise, int consentTimeoutSeconds, int threads) {
    /** More loops than this would only add wake-ups: no box we know has that many cores for one gateway. */
    public static final int MAX_THREADS = 256;

    public MediaSettings {
        if (listen == null) {
            throw new IllegalArgumentException("media.listen is required");
        }
        if (threads < 0 || threads > MAX_THREADS) {
            throw new IllegalArgumentException(
                    "media.threads must be between 1 and " + MAX_THREADS + " (or 0 for one per core), not " + threads);
        }
        advertise = advertise == null ? listen.host() : advertise;
        consentTimeoutSeconds = consentTimeoutSeconds == 0 ? 30 : consentTimeoutSeconds;
    }

    public MediaSettings(HostPort listen, String advertise, int consentTimeoutSeconds) {
        this(listen, advertise, consentTimeoutSeconds, 0);
    }

    /** The media loops to run: {@code threads}, or the number of cores the JVM may use. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
