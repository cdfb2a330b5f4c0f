package dev.lancast.gateway.discovery;

import dev.lancast.gateway.drain.GatewayDrain;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/peers?stream=S}: what the viewer page reads from its gateway once a second (any
 * origin may: after a move the page reads it from the new gateway): whether this gateway drains
 * and over how long its viewers should spread their moves, the other gateways of its subnet that
 * serve the stream (least full first), and the bridge it vouches for as the viewers' portal.
 */
public final class PeersResource {
    private final Supplier<String> name;
    private final SubnetPeers peers;
    private final GatewayDrain drain;
    private final Supplier<String> bridgeUrl;

    public PeersResource(Supplier<String> name, SubnetPeers peers, GatewayDrain drain, Supplier<String> bridgeUrl) {
        this.name = name;
        this.peers = peers;
        this.drain = drain;
        this.bridgeUrl = bridgeUrl;
    }

    public Response handle(Request request) throws HttpError {
        String stream = request.queryParam("stream");
        if (stream == null || stream.isEmpty()) {
            throw new HttpError(400, "give the stream: /api/peers?stream=NAME");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name.get());
        out.put("draining", drain.draining());
        out.put("spreadMs", drain.draining() ? drain.spreadMillis() : 0);
        out.put("portal", bridgeUrl.get());
        List<Map<String, Object>> list = peers.forStream(stream).stream()
                .map(p -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", p.name());
                    m.put("url", p.url());
                    m.put("load", p.load());
                    return m;
                })
                .toList();
        out.put("peers", list);
        return Response.jsonOf(200, out).withHeader("Cache-Control", "no-store");
    }
}
