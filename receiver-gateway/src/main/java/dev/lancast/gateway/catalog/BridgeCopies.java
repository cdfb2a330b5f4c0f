package dev.lancast.gateway.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.gateway.relay.DeliveryControl;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.net.NamedThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's requests to the bridge for unicast copies of the streams multicast does not bring
 * ({@code POST /api/relays}, repeated every {@value #REFRESH_SECONDS} s while wanted, which keeps
 * the copy alive; {@code DELETE} when the stream is back on multicast), and the relays' rejoins of
 * their groups: all on a thread of its own, since they wait for the network. The copies come to
 * the gateway's feedback socket, whose port the request names; the bridge sends them only to the
 * address the request comes from.
 */
public final class BridgeCopies implements DeliveryControl, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeCopies.class);
    static final long REFRESH_SECONDS = 2;

    /**
     * How the gateway sends a request to its bridge at {@code base}, with its credential (the
     * caller's trust in that bridge decides whether it goes at all: {@code BridgeTrust}).
     */
    @FunctionalInterface
    public interface Requests {
        HttpResponse<String> send(String base, HttpRequest.Builder request) throws IOException, InterruptedException;
    }

    private final Supplier<String> bridgeUrl;
    private final Requests requests;
    private final int port;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("lancast-gateway-copies", true));
    /** Stream -> what is asked for. The thread's only. */
    private final Map<String, Wanted> wanted = new HashMap<>();

    private static final class Wanted {
        final Map<String, Object> body;
        String location;
        boolean refusedLogged;

        Wanted(Map<String, Object> body) {
            this.body = body;
        }
    }

    /** @param port the gateway's feedback socket, where the bridge's repairs and copies arrive */
    public BridgeCopies(Supplier<String> bridgeUrl, Requests requests, int port) {
        this.bridgeUrl = bridgeUrl;
        this.requests = requests;
        this.port = port;
        thread.scheduleWithFixedDelay(this::refresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void startCopy(String stream, int[] lastSeqs, String reason) {
        Map<String, Object> from = new LinkedHashMap<>();
        for (int slot = 0; slot < Math.min(Track.SLOTS, lastSeqs.length); slot++) {
            from.put(Track.slotLabel(slot), lastSeqs[slot]);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("stream", stream);
        body.put("port", port);
        body.put("from", from);
        body.put("reason", reason);
        thread.execute(() -> ask(stream, body));
    }

    private void ask(String stream, Map<String, Object> body) {
        Wanted w = new Wanted(body);
        wanted.put(stream, w);
        post(stream, w);
    }

    @Override
    public void stopCopy(String stream) {
        thread.execute(() -> end(stream));
    }

    @Override
    public void run(Runnable task) {
        thread.execute(task);
    }

    private void refresh() {
        wanted.forEach(this::post);
    }

    private void post(String stream, Wanted w) {
        String base = bridgeUrl.get();
        if (base == null) {
            return;
        }
        try {
            HttpResponse<String> response = requests.send(
                    base,
                    HttpRequest.newBuilder(URI.create(base + "/api/relays"))
                            .timeout(Duration.ofSeconds(3))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    json.writeValueAsString(w.body), StandardCharsets.UTF_8)));
            int status = response.statusCode();
            if (status == 200 || status == 201) {
                w.location = response.headers().firstValue("Location").orElse(w.location);
                w.refusedLogged = false;
            } else if (!w.refusedLogged) {
                LOG.error(
                        "stream {}: the bridge refused a unicast copy (HTTP {}: {}); its viewers get nothing until "
                                + "multicast reaches this gateway",
                        stream,
                        status,
                        response.body().trim());
                w.refusedLogged = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!w.refusedLogged) {
                LOG.warn("stream {}: cannot ask the bridge for a unicast copy: {}", stream, e.toString());
                w.refusedLogged = true;
            }
        }
    }

    private void end(String stream) {
        Wanted w = wanted.remove(stream);
        String base = bridgeUrl.get();
        if (w == null || w.location == null || base == null) {
            return; // the bridge drops a copy that is not asked for again within seconds anyway
        }
        try {
            requests.send(
                    base,
                    HttpRequest.newBuilder(URI.create(base + w.location))
                            .timeout(Duration.ofSeconds(3))
                            .DELETE());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.info(
                    "stream {}: could not end the unicast copy ({}); the bridge ends it by itself",
                    stream,
                    e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
