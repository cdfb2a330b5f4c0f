package dev.lancast.gateway.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.gateway.trust.BridgeTrust;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other gateways of this gateway's subnet that take viewers now, as the bridge's registry
 * lists them ({@code GET /api/gateways}, read after each heartbeat). The viewer page learns them
 * from its gateway up front, so when that gateway dies it can move without asking anyone; a
 * draining gateway redirects new WHEP offers to them.
 */
public final class SubnetPeers {
    private static final Logger LOG = LoggerFactory.getLogger(SubnetPeers.class);
    /** How long a list stays good when the bridge cannot be read: after that it is dropped, not trusted. */
    private static final long STALE_NANOS = Duration.ofSeconds(10).toNanos();

    /** A gateway of the same subnet: where its viewer page is, and how full it is. */
    public record Peer(String name, String url, List<String> streams, int viewers, int capacity) {
        public double load() {
            return (double) viewers / capacity;
        }
    }

    private final BridgeTrust trust;
    private final LongSupplier nanos;
    private final ObjectMapper json = new ObjectMapper();
    private volatile List<Peer> peers = List.of();
    private volatile long readAtNanos;
    private String failure;

    /** @param trust how this gateway talks to its bridge (its token goes only to one it verified) */
    public SubnetPeers(BridgeTrust trust, LongSupplier nanos) {
        this.trust = trust;
        this.nanos = nanos;
    }

    /** Reads the bridge's registry; called from the presence thread after a heartbeat. */
    void refresh(String bridgeUrl, String self, String subnet) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bridgeUrl + "/api/gateways"))
                    .timeout(Duration.ofSeconds(2))
                    .GET();
            // The registry is public (as in /api/status): no credential goes with it.
            HttpResponse<byte[]> response =
                    trust.send(bridgeUrl, request, HttpResponse.BodyHandlers.ofByteArray(), false);
            if (response.statusCode() != 200) {
                fail(bridgeUrl, "HTTP " + response.statusCode());
                return;
            }
            accept(parse(json.readTree(response.body()), self, subnet), nanos.getAsLong());
            failure = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            fail(bridgeUrl, e.toString());
        }
    }

    private void fail(String bridgeUrl, String why) {
        if (!why.equals(failure)) {
            LOG.info("cannot read the other gateways from {}: {}", bridgeUrl, why);
            failure = why;
        }
    }

    /** A list read at {@code atNanos} (public for the drain's tests). */
    public void accept(List<Peer> list, long atNanos) {
        peers = list;
        readAtNanos = atNanos;
    }

    /** The registry's entries that may take viewers: same subnet, authenticated, in rotation, not this one. */
    static List<Peer> parse(JsonNode list, String self, String subnet) {
        List<Peer> out = new ArrayList<>();
        for (JsonNode g : list) {
            int capacity = g.path("capacity").asInt(0);
            if (self.equals(g.path("name").asText())
                    || !subnet.equals(g.path("subnet").asText())
                    || !g.path("authenticated").asBoolean(false)
                    || !g.path("inRotation").asBoolean(true)
                    || capacity <= 0
                    || !g.path("url").asText("").matches("https?://.+")) {
                continue;
            }
            List<String> streams = new ArrayList<>();
            g.path("streams").forEach(s -> streams.add(s.asText()));
            out.add(new Peer(
                    g.path("name").asText(),
                    g.path("url").asText(),
                    List.copyOf(streams),
                    g.path("viewers").asInt(0),
                    capacity));
        }
        return List.copyOf(out);
    }

    /** The peers that serve {@code stream} and have room, least full first. */
    public List<Peer> forStream(String stream) {
        if (nanos.getAsLong() - readAtNanos > STALE_NANOS) {
            return List.of();
        }
        return peers.stream()
                .filter(p -> p.streams().contains(stream) && p.viewers() < p.capacity())
                .sorted(Comparator.comparingDouble(Peer::load))
                .toList();
    }
}
