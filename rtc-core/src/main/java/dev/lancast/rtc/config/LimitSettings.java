package dev.lancast.rtc.config;

/**
 * Limits that keep one bad peer from hurting the others (docs/security.md). The same section in
 * bridge and gateway; a refusal is counted in {@code lancast_limit_refusals_total{limit=...}}.
 *
 * @param maxSessions                 WebRTC sessions at once (0: 500); more get 503 with Retry-After
 * @param maxSessionsPerAddress       sessions at once from one client address (0: 10); more get 429
 * @param dtlsHandshakeTimeoutSeconds a session whose DTLS handshake has not completed this long after
 *                                    its offer was answered ends (0: 10)
 * @param pliPerSecond                keyframe requests (PLI, FIR) taken per second from each viewer
 *                                    (gateway) or each gateway (bridge), with bursts of as many (0: 2)
 * @param nackPerSecond               packets taken per second in NACKs from each viewer or gateway (0: 500)
 * @param logIntervalSeconds          at most one log line about refused requests per client address
 *                                    per this many seconds (0: 10)
 * @param stunPerAddressPerSecond     STUN packets per second (and burst) taken from one IP address
 *                                    that has no session path yet, before any parsing or HMAC (0: 100);
 *                                    raise it where many clients share one address (a NAT, a load generator)
 */
public record LimitSettings(
        int maxSessions,
        int maxSessionsPerAddress,
        int dtlsHandshakeTimeoutSeconds,
        int pliPerSecond,
        int nackPerSecond,
        int logIntervalSeconds,
        int stunPerAddressPerSecond) {
    public LimitSettings(
            int maxSessions,
            int maxSessionsPerAddress,
            int dtlsHandshakeTimeoutSeconds,
            int pliPerSecond,
            int nackPerSecond,
            int logIntervalSeconds) {
        this(
                maxSessions,
                maxSessionsPerAddress,
                dtlsHandshakeTimeoutSeconds,
                pliPerSecond,
                nackPerSecond,
                logIntervalSeconds,
                0);
    }

    public LimitSettings {
        maxSessions = maxSessions == 0 ? 500 : maxSessions;
        maxSessionsPerAddress = maxSessionsPerAddress == 0 ? 10 : maxSessionsPerAddress;
        dtlsHandshakeTimeoutSeconds = dtlsHandshakeTimeoutSeconds == 0 ? 10 : dtlsHandshakeTimeoutSeconds;
        pliPerSecond = pliPerSecond == 0 ? 2 : pliPerSecond;
        nackPerSecond = nackPerSecond == 0 ? 500 : nackPerSecond;
        logIntervalSeconds = logIntervalSeconds == 0 ? 10 : logIntervalSeconds;
        stunPerAddressPerSecond = stunPerAddressPerSecond == 0 ? 100 : stunPerAddressPerSecond;
        if (maxSessions < 1 || maxSessionsPerAddress < 1) {
            throw new IllegalArgumentException("maxSessions and maxSessionsPerAddress must be at least 1");
        }
        if (maxSessionsPerAddress > maxSessions) {
            throw new IllegalArgumentException("maxSessionsPerAddress (" + maxSessionsPerAddress
                    + ") cannot exceed maxSessions (" + maxSessions + ")");
        }
        if (dtlsHandshakeTimeoutSeconds < 1 || dtlsHandshakeTimeoutSeconds > 120) {
            throw new IllegalArgumentException(
                    "dtlsHandshakeTimeoutSeconds must be 1..120, got " + dtlsHandshakeTimeoutSeconds);
        }
        if (pliPerSecond < 1 || pliPerSecond > 1000 || nackPerSecond < 1 || nackPerSecond > 100_000) {
            throw new IllegalArgumentException("pliPerSecond must be 1..1000 and nackPerSecond 1..100000");
        }
        if (stunPerAddressPerSecond < 10 || stunPerAddressPerSecond > 1_000_000) {
            throw new IllegalArgumentException(
                    "stunPerAddressPerSecond must be 10..1000000, got " + stunPerAddressPerSecond);
        }
        if (logIntervalSeconds < 1) {
            throw new IllegalArgumentException("logIntervalSeconds must be at least 1, got " + logIntervalSeconds);
        }
    }

    public static LimitSettings defaults() {
        return new LimitSettings(0, 0, 0, 0, 0, 0, 0);
    }
}
