package dev.lancast.gateway.discovery;

import dev.lancast.gateway.config.GatewayConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Whether a bridge found on mDNS may have this gateway's bridgeToken or client certificate.
 * Anyone on the link can advertise {@code _lancast._tcp}, so a record is only a hint: a
 * discovered bridge is used only over HTTPS, with a certificate that {@code bridgeTls.ca} or
 * {@code bridgeTls.fingerprint} verifies. The check is a TLS handshake and a request without any
 * credentials; the gateway's client certificate goes out only after the bridge's verified. One
 * thread (the presence thread) calls it.
 */
final class DiscoveredBridgeTrust {
    private static final int MAX_REMEMBERED = 64;

    private final HttpClient client;
    private final String verifiedBy;
    private final Set<String> verified = new HashSet<>();
    private final Map<String, String> failedVerification = new HashMap<>();

    /** @param client the gateway's bridge client, trusting what bridgeTls says */
    DiscoveredBridgeTrust(HttpClient client, GatewayConfig.BridgeTls tls) {
        this.client = client;
        this.verifiedBy = tls.fingerprint() != null ? "fingerprint" : tls.ca() != null ? "ca" : null;
    }

    /** "fingerprint" or "ca": what verifies a discovered bridge; null when nothing can. */
    String verifiedBy() {
        return verifiedBy;
    }

    /** Null when the bridge at {@code url} may be used; otherwise why not and what to configure. */
    String refusal(String url) {
        if (!url.startsWith("https://")) {
            return "it is plain HTTP, and a bridge found on mDNS gets this gateway's bridgeToken or certificate only "
                    + "over HTTPS verified by bridgeTls (anyone on the link can advertise a bridge). Give the bridge "
                    + "http.tls and this gateway bridgeTls.fingerprint (the bridge logs it when ready) or bridgeTls.ca, "
                    + "or set bridgeUrl to trust a bridge by its address";
        }
        if (verifiedBy == null) {
            return "this gateway has no bridgeTls.fingerprint or bridgeTls.ca to verify a discovered bridge with. "
                    + "Set one (the bridge logs its fingerprint when ready), or set bridgeUrl";
        }
        if (verified.contains(url)) {
            return null;
        }
        String failed = failedVerification.get(url);
        if (failed != null) {
            return failed;
        }
        try {
            // No Authorization header: the first request to a bridge carries no token.
            client.send(HttpRequest.newBuilder(URI.create(url + "/api/status")).timeout(Duration.ofSeconds(3))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            verified.add(url);
            return null;
        } catch (SSLException e) {
            if (failedVerification.size() >= MAX_REMEMBERED) {
                failedVerification.clear(); // records are free to forge: memory for them stays bounded
            }
            String why = "its certificate does not match bridgeTls." + verifiedBy + " (" + e.getMessage()
                    + "): an impostor, or the bridge's certificate changed. If it is the bridge, update bridgeTls."
                    + verifiedBy;
            failedVerification.put(url, why);
            return why;
        } catch (IOException e) {
            return "unreachable (" + e + "); trying again";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
