package dev.lancast.bridge.relay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.media.Track;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateways' side of the unicast fallback:
 * <ul>
 * <li>{@code POST /api/relays} (gateway credential, JSON {@code {stream, port, from: {video, video.1,
 * video.2, video.3, audio}, reason}}: the last number of each track slot it has): start, or keep alive, a unicast copy of the stream's group datagrams to the asking
 * gateway's own address at {@code port} (its feedback socket). 201 with {@code Location} when
 * started, 200 when kept; 404 for an unknown stream, 400 for a malformed request, 403 when it
 * names another address than the one it comes from, 503 with {@code Retry-After} when
 * {@code relays.max} copies run already.</li>
 * <li>{@code DELETE /api/relays/{id}}: the gateway is back on multicast (from the same address).</li>
 * </ul>
 */
public final class RelaysResource {
    private static final Logger LOG = LoggerFactory.getLogger(RelaysResource.class);
    /** Over the limit, a gateway asks again after this long (its viewers wait; the admin is alerted). */
    static final int RETRY_SECONDS = 10;
    /** The names of a stream's track slots, as from.* keys ("video", "video.1".., "audio"). */
    private static final List<String> SLOT_LABELS =
            IntStream.range(0, Track.SLOTS).mapToObj(Track::slotLabel).toList();

    private final RelayRegistry relays;
    private final Router.ClientCheck gatewayAuth;
    private final Predicate<String> streamExists;
    /** Reads request bodies (answers go through Response.jsonOf). */
    private final ObjectMapper json = new ObjectMapper();

    /** A gateway's request; unknown fields are ignored (a newer gateway may say more). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RelayRequest(String stream, Integer port, Map<String, Integer> from, String reason, String address) {}

    public RelaysResource(RelayRegistry relays, Router.ClientCheck gatewayAuth, Predicate<String> streamExists) {
        this.relays = relays;
        this.gatewayAuth = gatewayAuth;
        this.streamExists = streamExists;
    }

    public void register(Router router) {
        router.route(HttpMethod.POST, "/api/relays", this::request, gatewayAuth);
        router.route(HttpMethod.DELETE, "/api/relays/{id}", this::end, gatewayAuth);
    }

    private Response request(Request request) throws HttpError {
        RelayRequest r = parse(request);
        if (!streamExists.test(r.stream())) {
            throw new HttpError(404, "no stream named '" + r.stream() + "'");
        }
        InetAddress from = request.remote().getAddress();
        if (r.address() != null && !r.address().equals(from.getHostAddress())) {
            throw new HttpError(
                    403,
                    "a unicast copy goes only to the address that asks for it (" + from.getHostAddress() + "), not to "
                            + r.address());
        }
        InetSocketAddress to = new InetSocketAddress(from, r.port());
        RelayRegistry.Result result = relays.request(r.stream(), to, reason(r.reason()), lastSeqs(r.from()));
        switch (result.outcome()) {
            case FULL -> {
                LOG.warn(
                        "relays.max ({}) reached: the gateway at {} gets no unicast copy of stream {} ({}); make "
                                + "multicast reach its subnet, or raise relays.max",
                        relays.max(),
                        to,
                        r.stream(),
                        describe(r.reason()));
                return Response.text(503, "relays.max (" + relays.max() + ") unicast copies run already\n")
                        .withHeader("Retry-After", Integer.toString(RETRY_SECONDS));
            }
            case STARTED ->
                LOG.warn(
                        "the gateway at {} gets no multicast for stream {} ({}): sending it a unicast "
                                + "copy ({} of relays.max {})",
                        to,
                        r.stream(),
                        describe(r.reason()),
                        relays.size(),
                        relays.max());
            default -> {}
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", result.relay().id());
        body.put("stream", r.stream());
        body.put("expiresAfterSeconds", RelayRegistry.EXPIRY_SECONDS);
        return Response.jsonOf(result.outcome() == RelayRegistry.Outcome.STARTED ? 201 : 200, body)
                .withHeader("Location", "/api/relays/" + result.relay().id());
    }

    private Response end(Request request) throws HttpError {
        String id = request.param("id");
        RelayRegistry.Relay relay = relays.list().stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new HttpError(404, "no unicast copy " + id));
        if (!relay.to().getAddress().equals(request.remote().getAddress())) {
            throw new HttpError(403, "only the gateway that gets a unicast copy ends it");
        }
        relays.end(id);
        LOG.info(
                "the gateway at {} is back on multicast for stream {}; its unicast copy ended",
                relay.to(),
                relay.stream());
        return Response.empty(204);
    }

    private RelayRequest parse(Request request) throws HttpError {
        if (!request.contentType().equals("application/json")) {
            throw new HttpError(415, "a relay request is application/json, got '" + request.contentType() + "'");
        }
        RelayRequest r;
        try {
            r = json.readValue(request.body(), RelayRequest.class);
        } catch (IOException e) {
            throw new HttpError(400, "bad relay request: " + firstLine(e.getMessage()));
        }
        if (r == null || r.stream() == null || r.port() == null) {
            throw new HttpError(400, "a relay request names its stream and port");
        }
        if (r.port() < 1 || r.port() > 65535) {
            throw new HttpError(400, "port must be 1..65535, got " + r.port());
        }
        if (r.from() != null) {
            for (Map.Entry<String, Integer> e : r.from().entrySet()) {
                if (!SLOT_LABELS.contains(e.getKey())
                        || e.getValue() == null
                        || e.getValue() < -1
                        || e.getValue() > 0xFFFF) {
                    throw new HttpError(400, "from." + e.getKey() + " must be one of " + SLOT_LABELS + ", -1..65535");
                }
            }
        }
        return r;
    }

    /** The last sequence number of each track slot the gateway has, by slot (-1: none). */
    private static int[] lastSeqs(Map<String, Integer> from) {
        int[] out = new int[Track.SLOTS];
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            Integer seq = from == null ? null : from.get(Track.slotLabel(slot));
            out[slot] = seq == null ? -1 : seq;
        }
        return out;
    }

    /** A reason from the wire, kept to what an admin reads (letters, digits, '_'). */
    private static String reason(String r) {
        return r == null || !r.matches("[a-z_]{1,32}") ? "unspecified" : r;
    }

    /** What an admin should read of a gateway's reason. */
    static String describe(String reason) {
        return switch (reason(reason)) {
            case "start_timeout" -> "nothing arrived since it joined";
            case "lost" -> "multicast stopped reaching it";
            case "querier_suspect" -> "multicast stopped about 260 s after it joined: no IGMP querier on its VLAN?";
            default -> "reason: " + reason(reason);
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
