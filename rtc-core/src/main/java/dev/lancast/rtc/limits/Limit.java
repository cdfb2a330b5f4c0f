package dev.lancast.rtc.limits;

/** A limit that refuses something to one peer so that the others keep their share; the metric label. */
public enum Limit {
    SESSIONS("sessions"),
    SESSIONS_PER_ADDRESS("sessions_per_address"),
    REQUEST_TOO_LARGE("request_too_large"),
    READ_TIMEOUT("read_timeout"),
    DTLS_HANDSHAKE_TIMEOUT("dtls_handshake_timeout"),
    STUN_WRONG_PASSWORD("stun_wrong_password"),
    VIEWER_PLI("viewer_pli"),
    VIEWER_NACK("viewer_nack"),
    GATEWAY_PLI("gateway_pli"),
    GATEWAY_NACK("gateway_nack"),
    /** STUN checks from an address without a session path, past its per-address rate (before parsing or HMAC). */
    STUN_RATE("stun_rate"),
    /** HTTP connections from one address past the number open at once. */
    CONNECTIONS_PER_ADDRESS("connections_per_address");

    private final String label;

    Limit(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
