package dev.lancast.gateway.quality;

import dev.lancast.rtc.http.CorsPolicy;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;

/**
 * {@code POST /whep/{stream}/{session}/quality}: a viewer page's report of its own playback
 * ({@link QualityReport}), on the URL of its WHEP session, which is its capability: no other
 * credential, as for the session's DELETE and PATCH. Decided from the headers before the body is
 * read: 404 for a session that is not up, 411/413 without a small Content-Length, 429 more often
 * than every 2 s (Retry-After), 503 when the gateway keeps as many sessions' figures as it admits
 * sessions. A body that is not a report: 400 with the reason. Accepted: 204.
 */
public final class QualityResource {
    public static final String PATH = "/whep/{stream}/{session}/quality";
    private final ViewerQuality quality;

    public QualityResource(ViewerQuality quality) {
        this.quality = quality;
    }

    /** The route, with the CORS policy of the stream's WHEP paths (a page may report to a gateway it moved to). */
    public void register(Router router, CorsPolicy origins) {
        router.cors(PATH, origins);
        router.route(HttpMethod.POST, PATH, this::report, this::admit);
    }

    private void admit(HttpHeaders headers, Map<String, String> params) throws HttpError {
        String length = headers.get("Content-Length");
        if (length == null) {
            throw new HttpError(411, "a quality report needs a Content-Length");
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new HttpError(400, "Content-Length is not a number");
        }
        if (bytes > QualityReport.MAX_BYTES) {
            throw new HttpError(413, "a quality report is at most " + QualityReport.MAX_BYTES + " bytes");
        }
        switch (quality.admit(params.get("stream"), params.get("session"))) {
            case OK -> {}
            case NO_SESSION ->
                throw new HttpError(404, "no such WHEP session for stream '" + printable(params.get("stream")) + "'");
            case TOO_SOON ->
                throw new HttpError(
                        429,
                        "one quality report per " + ViewerQuality.MIN_INTERVAL_SECONDS + " s",
                        Map.of("Retry-After", String.valueOf(ViewerQuality.MIN_INTERVAL_SECONDS)));
            case FULL ->
                throw new HttpError(
                        503, "this gateway keeps no more viewers' figures now", Map.of("Retry-After", "10"));
        }
    }

    private Response report(Request request) throws HttpError {
        String type = request.contentType();
        if (!type.equals("application/json") && !type.equals("text/plain")) {
            quality.malformed();
            throw new HttpError(415, "a quality report is application/json, got '" + printable(type) + "'");
        }
        QualityReport report;
        try {
            report = QualityReport.parse(request.body());
        } catch (QualityReport.Malformed e) {
            quality.malformed();
            throw new HttpError(400, "malformed quality report: " + e.getMessage());
        }
        quality.record(request.param("stream"), request.param("session"), report);
        return Response.empty(204);
    }

    /** A name from the request, as logs and answers may quote it. */
    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
