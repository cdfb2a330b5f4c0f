package dev.lancast.sender.whip;

import java.io.IOException;

/** The WHIP server answered the offer with an error status (and its reason). */
public final class WhipRefusedException extends IOException {
    private final int status;

    public WhipRefusedException(int status, String reason) {
        super("WHIP server answered " + status + ": " + reason);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /**
     * Whether asking again cannot help: a wrong token, a malformed offer, a wrong content type. A
     * missing stream (404) or a busy server (5xx) may change, after a config reload or a restart.
     */
    public boolean isPermanent() {
        return status == 400 || status == 401 || status == 403 || status == 415;
    }
}
