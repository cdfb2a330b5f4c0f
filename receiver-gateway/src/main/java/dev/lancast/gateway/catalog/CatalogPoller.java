package dev.lancast.gateway.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.gateway.trust.BridgeTrust;
import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.net.NamedThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the bridge's stream catalog and group keys every second and hands each new version to the
 * gateway. The keys need this gateway's token or client certificate; a refusal is logged once and
 * leaves no keys. A version counts as handed over only once the gateway has applied it, so a
 * failed apply (a group that could not be joined) is tried again at the next poll.
 */
public final class CatalogPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogPoller.class);

    private final Supplier<String> bridgeUrl;
    private final Consumer<StreamCatalog> onCatalog;
    private final Consumer<GroupKeys> onKeys;
    private final Consumer<List<GroupKeys.StreamIndex>> onIndexes;
    private GroupKeys lastKeys;
    private boolean refused;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("lancast-gateway-catalog", true));
    private final BridgeTrust trust;
    private final ObjectMapper json = new ObjectMapper();
    private StreamCatalog last;
    private boolean failing;
    private boolean applyFailing;

    /**
     * @param trust     the gateway's one way to its bridge: verifies it, adds the token or certificate
     * @param bridgeUrl the bridge's base URL, configured or found on mDNS; null while unknown
     * @param onKeys    new keys (a rotation, a restarted bridge)
     * @param onIndexes the streams' packet indexes, at every poll (they move with every packet)
     */
    public CatalogPoller(
            BridgeTrust trust,
            Supplier<String> bridgeUrl,
            Consumer<StreamCatalog> onCatalog,
            Consumer<GroupKeys> onKeys,
            Consumer<List<GroupKeys.StreamIndex>> onIndexes) {
        this.onIndexes = onIndexes;
        this.bridgeUrl = bridgeUrl;
        this.onCatalog = onCatalog;
        this.onKeys = onKeys;
        this.trust = trust;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::poll, 0, 1, TimeUnit.SECONDS);
    }

    private void poll() {
        String base = bridgeUrl.get();
        if (base == null) {
            return;
        }
        URI uri = URI.create(base + "/api/streams");
        try {
            HttpResponse<byte[]> response = trust.send(
                    base,
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET(),
                    HttpResponse.BodyHandlers.ofByteArray(),
                    false);
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            pollKeys(base);
            StreamCatalog catalog = json.readValue(response.body(), StreamCatalog.class);
            if (failing) {
                LOG.info("bridge catalog at {} reachable again", uri);
                failing = false;
            }
            if (!catalog.equals(last)) {
                apply(catalog);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!failing) {
                LOG.warn("cannot read the bridge catalog at {}: {}", uri, e.toString());
                failing = true;
            }
        }
    }

    private void pollKeys(String base) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/keys"))
                .timeout(Duration.ofSeconds(3))
                .GET();
        HttpResponse<byte[]> response = trust.send(base, request, HttpResponse.BodyHandlers.ofByteArray(), true);
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            if (!refused) {
                LOG.error(
                        "the bridge refused this gateway's credentials ({}): no group keys, nothing can be served",
                        new String(response.body(), StandardCharsets.UTF_8).trim());
                refused = true;
            }
            return;
        }
        if (response.statusCode() != 200) {
            throw new IOException("keys: HTTP " + response.statusCode());
        }
        refused = false;
        GroupKeys keys = json.readValue(response.body(), GroupKeys.class);
        // Indexes change with every packet sent: a new key set is new keys (or a new viewer-token
        // secret), and it counts as applied only once it is (a failure is tried again next poll).
        if (lastKeys == null
                || keys.current() != lastKeys.current()
                || !keys.keys().equals(lastKeys.keys())
                || !Objects.equals(keys.viewerTokenKey(), lastKeys.viewerTokenKey())) {
            onKeys.accept(keys);
            lastKeys = keys;
        }
        onIndexes.accept(keys.indexes());
    }

    /** Applies, then marks as applied; a failure is logged once per run of failures and retried. */
    private void apply(StreamCatalog catalog) {
        try {
            onCatalog.accept(catalog);
            last = catalog;
            if (applyFailing) {
                LOG.info("bridge catalog applied");
                applyFailing = false;
            }
        } catch (RuntimeException e) {
            if (!applyFailing) {
                LOG.warn("cannot apply the bridge catalog (trying again every second): {}", e.toString());
                applyFailing = true;
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
