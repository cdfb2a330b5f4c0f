package dev.lancast.gateway.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.gateway.trust.BridgeTrust;
import dev.lancast.rtc.discovery.GatewayInfo;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the gateway with its bridge and keeps it registered: a heartbeat (PUT
 * /api/gateways/{name} with the gateway token) every two seconds, a goodbye (DELETE) on shutdown.
 * The bridge forgets a gateway after three missed heartbeats; only registered gateways get viewers
 * from the bridge's portal. Failures are logged once per change of state, not every beat.
 */
public final class BridgeRegistration {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeRegistration.class);
    public static final Duration INTERVAL = Duration.ofSeconds(2);

    private final BridgeTrust trust;
    private final ObjectMapper json = new ObjectMapper();
    private String failure;
    private String registeredAt;

    /** @param trust the gateway's one way to its bridge: verifies it, adds the token or certificate */
    public BridgeRegistration(BridgeTrust trust) {
        this.trust = trust;
    }

    /** One heartbeat to the bridge at {@code bridgeUrl}; called from one thread. */
    public void heartbeat(String bridgeUrl, GatewayInfo self) {
        try {
            HttpResponse<String> response = trust.send(
                    bridgeUrl,
                    HttpRequest.newBuilder(uri(bridgeUrl, self.name()))
                            .timeout(Duration.ofSeconds(3))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(self))),
                    HttpResponse.BodyHandlers.ofString(),
                    true);
            if (response.statusCode() != 204) {
                fail(
                        bridgeUrl,
                        "HTTP " + response.statusCode() + ": " + response.body().trim());
                return;
            }
            if (!bridgeUrl.equals(registeredAt)) {
                LOG.info("registered with the bridge at {} as '{}'", bridgeUrl, self.name());
                registeredAt = bridgeUrl;
            }
            failure = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            fail(bridgeUrl, e.toString());
        }
    }

    /** Whether the last heartbeat went to {@code bridgeUrl} and the bridge took it. */
    public boolean registeredWith(String bridgeUrl) {
        return bridgeUrl.equals(registeredAt);
    }

    private void fail(String bridgeUrl, String why) {
        registeredAt = null;
        if (!why.equals(failure)) {
            LOG.warn("cannot register with the bridge at {}: {}", bridgeUrl, why);
            failure = why;
        }
    }

    /** Tells the bridge this gateway is leaving, so the portal stops sending viewers here at once. */
    public void goodbye(String bridgeUrl, String name) {
        try {
            trust.send(
                    bridgeUrl,
                    HttpRequest.newBuilder(uri(bridgeUrl, name))
                            .timeout(Duration.ofSeconds(2))
                            .DELETE(),
                    HttpResponse.BodyHandlers.discarding(),
                    true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.info(
                    "goodbye to the bridge at {} failed ({}); it forgets this gateway within seconds",
                    bridgeUrl,
                    e.toString());
        }
    }

    private static URI uri(String bridgeUrl, String name) {
        return URI.create(bridgeUrl + "/api/gateways/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }
}
