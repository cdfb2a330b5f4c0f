package dev.lancast.rtc.limits;

/** Why a request failed authentication; the label of {@code lancast_auth_failures_total}. */
public enum AuthFailure {
    /** 401: no credential, or a wrong one. */
    UNAUTHORIZED("unauthorized"),
    /** 403: a credential (or address) that may not do this. */
    FORBIDDEN("forbidden"),
    /** 429: the address failed too often lately ({@link AuthFailureBackoff}); the request was not checked. */
    THROTTLED("throttled"),
    /** 403: a route with keys or credentials asked over plain HTTP. */
    PLAIN_HTTP("plain_http");

    private final String label;

    AuthFailure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
