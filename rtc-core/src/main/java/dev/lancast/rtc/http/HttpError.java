package dev.lancast.rtc.http;

/** A request that cannot be served: the status and a reason a person can act on. */
public final class HttpError extends Exception {
    private final int status;

    public HttpError(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
