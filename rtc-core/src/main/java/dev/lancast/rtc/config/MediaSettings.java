package dev.lancast.rtc.config;

/**
 * The one UDP port all WebRTC sessions of a process share.
 *
 * @param listen                address and port of the ICE-lite port
 * @param advertise             the address written in ICE candidates; defaults to the listen host
 * @param consentTimeoutSeconds a session without STUN checks this long ends (RFC 7675); 0 means 30
 */
public record MediaSettings(HostPort listen, String advertise, int consentTimeoutSeconds) {
    public MediaSettings {
        if (listen == null) {
            throw new IllegalArgumentException("media.listen is required");
        }
        advertise = advertise == null ? listen.host() : advertise;
        consentTimeoutSeconds = consentTimeoutSeconds == 0 ? 30 : consentTimeoutSeconds;
    }
}
