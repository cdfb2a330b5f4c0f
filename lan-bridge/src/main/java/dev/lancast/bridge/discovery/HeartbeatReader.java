package dev.lancast.bridge.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import java.io.IOException;

/**
 * Reads a gateway's heartbeat ({@code PUT /api/gateways/{name}}, already authenticated as that
 * gateway): JSON {@link GatewayInfo} with its layers ({@link dev.lancast.rtc.discovery.StreamLayers}),
 * every field checked by the records, unknown fields refused. Anything else is 415 or 400 with the
 * reason, and nothing of it is kept.
 */
final class HeartbeatReader {
    /** Reads request bodies; fails on unknown properties (Jackson's default), so a typo is named. */
    private final ObjectMapper json = new ObjectMapper();

    GatewayInfo read(Request request) throws HttpError {
        if (!request.contentType().equals("application/json")) {
            throw new HttpError(415, "a gateway heartbeat is application/json, got '" + request.contentType() + "'");
        }
        GatewayInfo info;
        try {
            info = json.readValue(request.body(), GatewayInfo.class);
        } catch (IOException e) {
            throw new HttpError(400, "bad gateway heartbeat: " + rootMessage(e));
        }
        if (info == null) {
            throw new HttpError(400, "bad gateway heartbeat: the body is empty or null");
        }
        if (!info.name().equals(request.param("name"))) {
            throw new HttpError(
                    400,
                    "the heartbeat is for '" + info.name() + "' but was sent to /api/gateways/"
                            + request.param("name"));
        }
        return info;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.toString() : t.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
