package dev.lancast.rtc.http;

import java.util.Map;

/** A request that cannot be served: the status, a reason a person can act on, and headers such as Retry-After. */
public final class HttpError extends Exception {
    private final int status;
    private final Map<String, String> headers;

    public HttpError(int status, String reason) {
        this(status, reason, Map.of());
    }

    public HttpError(int status, String reason, Map<String, String> headers) {
        super(reason, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The response a client gets for this error. */
    public Response toResponse() {
        Response response = Response.text(status, getMessage());
        for (Map.Entry<String, String> h : headers.entrySet()) {
            response = response.withHeader(h.getKey(), h.getValue());
        }
        return response;
    }
}
