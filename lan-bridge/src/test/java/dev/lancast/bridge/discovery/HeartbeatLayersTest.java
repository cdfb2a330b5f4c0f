package dev.lancast.bridge.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.discovery.StreamLayers;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 (item 4): a gateway's heartbeat carries, per stream, the layers it receives and its
 * viewers on each; the bridge keeps them with the gateway and its admin API returns them. The
 * report is bounded (83 streams, 4 layers each, short names, counts in range) and anything else is
 * a 400 that says what is wrong, with nothing kept.
 */
class HeartbeatLayersTest {
    private static final String HEAD =
            "{\"name\":\"gw\",\"subnet\":\"198.18.1.0/24\",\"url\":\"http://198.18.1.2:8081/\","
                    + "\"streams\":[\"main\"],\"viewers\":2,\"capacity\":100";
    private static final String MAIN = "{\"stream\":\"main\",\"layers\":["
            + "{\"rid\":\"q\",\"width\":320,\"height\":180,\"joined\":true,\"viewers\":1},"
            + "{\"rid\":\"h\",\"width\":640,\"height\":360,\"joined\":false,\"viewers\":0},"
            + "{\"rid\":\"f\",\"width\":1280,\"height\":720,\"joined\":true,\"viewers\":1}]}";

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final GatewayRegistry registry = new GatewayRegistry(now::get);
    private final GatewaysResource resource = new GatewaysResource(registry, null, List::of, List::of);
    private final HeartbeatReader reader = new HeartbeatReader();

    private static Request put(String body) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("Content-Type", "application/json");
        return new Request(
                HttpMethod.PUT,
                "/api/gateways/gw",
                Map.of("name", "gw"),
                Map.of(),
                headers,
                body.getBytes(StandardCharsets.UTF_8),
                new InetSocketAddress("198.18.1.2", 40000),
                true);
    }

    private static String withLayers(String layersJson) {
        return HEAD + ",\"layers\":" + layersJson + "}";
    }

    /** A heartbeat with these layers is a 400 whose reason says {@code why}. */
    private void assertRefused(String layersJson, String why) {
        HttpError e = assertThrows(HttpError.class, () -> reader.read(put(withLayers(layersJson))));
        assertEquals(400, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(why), "'" + e.getMessage() + "' should say '" + why + "'");
    }

    private static String layer(String rid, int width, int viewers) {
        return "{\"rid\":\"" + rid + "\",\"width\":" + width + ",\"height\":180,\"joined\":true,\"viewers\":" + viewers
                + "}";
    }

    @Test
    void theLayersAGatewayReportsReachTheAdminApi() throws Exception {
        GatewayInfo info = reader.read(put(withLayers("[" + MAIN + "]")));
        assertEquals(
                List.of(new StreamLayers(
                        "main",
                        List.of(
                                new StreamLayers.Layer("q", 320, 180, true, 1),
                                new StreamLayers.Layer("h", 640, 360, false, 0),
                                new StreamLayers.Layer("f", 1280, 720, true, 1)))),
                info.layers());
        registry.heartbeat(info);
        // What /api/status and /api/admin/history give the admin page, as JSON.
        String listed =
                new ObjectMapper().writeValueAsString(resource.list().get(0).get("layers"));
        assertEquals("[" + MAIN + "]", listed);
    }

    @Test
    void aHeartbeatWithoutLayersIsTakenWithNone() throws Exception {
        GatewayInfo info = reader.read(put(HEAD + "}"));
        assertEquals(List.of(), info.layers());
        assertEquals(List.of(), reader.read(put(withLayers("null"))).layers());
        // An mDNS record has none either.
        assertEquals(List.of(), GatewayInfo.fromTxt("gw", info.toTxt()).layers());
    }

    @Test
    void eachBadFieldIsRefusedWithItsReason() {
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[" + layer("q w", 320, 1) + "]}]", "layer rid must be 1-16 letters");
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[" + layer("abcdefghijklmnopq", 320, 1) + "]}]",
                "layer rid must be 1-16 letters");
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[" + layer("q", -1, 1) + "]}]",
                "layer width must be 0..65535, got -1");
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[" + layer("q", 65_536, 1) + "]}]",
                "layer width must be 0..65535, got 65536");
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[" + layer("q", 320, -3) + "]}]",
                "layer viewers must be 0..1000000, got -3");
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[" + layer("q", 320, 1_000_001) + "]}]",
                "layer viewers must be 0..1000000, got 1000001");
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[" + layer("q", 320, 1) + "," + layer("q", 640, 1) + "]}]",
                "rid 'q' appears twice");
        assertRefused(
                "[{\"stream\":\"a b\",\"layers\":[" + layer("q", 320, 1) + "]}]",
                "layers: stream must be 1-64 letters");
        assertRefused("[{\"stream\":\"main\",\"layers\":[]}]", "1..4 layers, got 0");
        assertRefused("[{\"stream\":\"main\"}]", "1..4 layers, got 0");
        assertRefused("[{\"stream\":\"main\",\"layers\":[null]}]", "bad gateway heartbeat");
        assertRefused("[" + MAIN + "," + MAIN + "]", "stream 'main' appears twice");
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[{\"rid\":\"q\",\"width\":1,\"height\":1,"
                        + "\"joined\":true,\"viewers\":1,\"extra\":1}]}]",
                "Unrecognized field \"extra\"");
        assertRefused("{\"main\":[]}", "bad gateway heartbeat");
        assertRefused(
                "[{\"stream\":\"main\",\"layers\":[{\"rid\":\"q\",\"width\":\"big\",\"height\":1,"
                        + "\"joined\":true,\"viewers\":1}]}]",
                "bad gateway heartbeat");
        // Control characters from the network do not reach the reason (it is logged and answered).
        assertRefused("[{\"stream\":\"a\\nFORGED\",\"layers\":[" + layer("q", 320, 1) + "]}]", "'a?FORGED'");
    }

    @Test
    void theReportIsBounded() {
        String five =
                IntStream.range(0, 5).mapToObj(i -> layer("l" + i, 320, 1)).collect(Collectors.joining(","));
        assertRefused("[{\"stream\":\"main\",\"layers\":[" + five + "]}]", "1..4 layers, got 5");
        String streams = IntStream.rangeClosed(0, StreamLayers.MAX_STREAMS)
                .mapToObj(i -> "{\"stream\":\"s" + i + "\",\"layers\":[" + layer("q", 320, 1) + "]}")
                .collect(Collectors.joining(","));
        assertRefused("[" + streams + "]", "layers: at most 83 streams, got 84");
        // At the limits it is taken: 83 streams of 4 layers with the longest names.
        String four = IntStream.range(0, 4)
                .mapToObj(i -> layer("abcdefghijklmno" + i, 65_535, 1_000_000))
                .collect(Collectors.joining(","));
        String most = IntStream.range(0, StreamLayers.MAX_STREAMS)
                .mapToObj(i ->
                        "{\"stream\":\"" + "s".repeat(60) + String.format("%04d", i) + "\",\"layers\":[" + four + "]}")
                .collect(Collectors.joining(","));
        Request largest = put(withLayers("[" + most + "]"));
        assertTrue(largest.body().length < 65_536, "fits the bridge's default body limit: " + largest.body().length);
        GatewayInfo info = assertDoesNotThrowHttp(largest);
        assertEquals(StreamLayers.MAX_STREAMS, info.layers().size());
    }

    @Test
    void aRefusedHeartbeatKeepsNothing() {
        assertThrows(HttpError.class, () -> reader.read(put(withLayers("[{\"stream\":\"main\",\"layers\":[]}]"))));
        assertEquals(List.of(), registry.list());
    }

    private GatewayInfo assertDoesNotThrowHttp(Request request) {
        try {
            return reader.read(request);
        } catch (HttpError e) {
            throw new AssertionError("refused: " + e.getMessage(), e);
        }
    }
}
