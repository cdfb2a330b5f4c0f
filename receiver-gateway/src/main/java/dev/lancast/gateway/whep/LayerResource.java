package dev.lancast.gateway.whep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.gateway.relay.ViewerSession;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.media.Track;
import io.netty.handler.codec.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A viewer's layer, for players (the WHEP layer extension of the early WHEP drafts, as Broadcast
 * Box and live777 serve it; our viewer page's picker uses it too), on the session's URL, which
 * only the viewer knows: {@code GET /whep/{stream}/{session}/layer} lists the stream's active
 * layers (lowest first: {@code encodingId} the publisher's RID, picture size, bit rate) and says
 * which one the viewer gets and whether the choice is automatic; {@code POST} with
 * {@code {"encodingId": "h"}} asks for that layer, with {@code {}} for the automatic choice again.
 * The switch happens at the layer's next keyframe, or at once from the gateway's cache.
 */
final class LayerResource {
    private static final int MAX_BODY = 1024;

    private final Function<String, StreamRelay> relays;
    private final BiFunction<String, String, ViewerSession> viewers;
    private final ObjectMapper json = new ObjectMapper();

    LayerResource(Function<String, StreamRelay> relays, BiFunction<String, String, ViewerSession> viewers) {
        this.relays = relays;
        this.viewers = viewers;
    }

    void register(Router router) {
        router.route(HttpMethod.GET, "/whep/{stream}/{session}/layer", this::get);
        router.route(HttpMethod.POST, "/whep/{stream}/{session}/layer", this::post);
    }

    private ViewerSession viewer(Request request) throws HttpError {
        ViewerSession v = viewers.apply(request.param("stream"), request.param("session"));
        if (v == null) {
            throw new HttpError(404, "no such WHEP session for stream '" + request.param("stream") + "'");
        }
        return v;
    }

    private Response get(Request request) throws HttpError {
        ViewerSession v = viewer(request);
        StreamRelay relay = relays.apply(request.param("stream"));
        List<StreamRelay.LayerInfo> layers = relay == null ? List.of() : relay.layers();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("auto", v.chosenSlot() < 0);
        out.put("current", encodingId(layers, Track.layerOfSlot(Math.max(0, v.currentSlot()))));
        out.put(
                "layers",
                layers.stream()
                        .map(l -> Map.of(
                                "encodingId",
                                l.encodingId(),
                                "width",
                                l.width(),
                                "height",
                                l.height(),
                                "bitrate",
                                l.bitrate(),
                                "temporalLayers",
                                l.temporalLayers()))
                        .toList());
        try {
            return Response.json(200, json.writeValueAsString(out));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encodingId(List<StreamRelay.LayerInfo> layers, int layer) {
        for (StreamRelay.LayerInfo l : layers) {
            if (l.layer() == layer) {
                return l.encodingId();
            }
        }
        return null;
    }

    private Response post(Request request) throws HttpError {
        ViewerSession v = viewer(request);
        if (!request.contentType().equals("application/json")) {
            throw new HttpError(415, "Content-Type must be application/json, got '" + request.contentType() + "'");
        }
        String body = request.bodyText();
        if (body.length() > MAX_BODY) {
            throw new HttpError(413, "a layer request is at most " + MAX_BODY + " bytes");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new HttpError(
                    400, "a layer request is a JSON object: {\"encodingId\": \"...\"}, or {} for automatic");
        }
        JsonNode id = node.get("encodingId");
        if (id == null) {
            v.choose(-1);
            return Response.empty(204);
        }
        if (!id.isTextual()) {
            throw new HttpError(400, "encodingId must be a string");
        }
        StreamRelay relay = relays.apply(request.param("stream"));
        for (StreamRelay.LayerInfo l : relay == null ? List.<StreamRelay.LayerInfo>of() : relay.layers()) {
            if (l.encodingId().equals(id.asText())) {
                v.choose(Track.slotOf(Track.Kind.VIDEO, l.layer()));
                return Response.empty(204);
            }
        }
        throw new HttpError(400, "no active layer '" + id.asText() + "' (GET this URL for the layers)");
    }
}
