package dev.lancast.gateway.trust;

import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.tls.ClientTls;
import dev.lancast.rtc.tls.TlsFileException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whom this gateway gives its token or client certificate to, and the one way it talks to a
 * bridge: every request goes through {@link #send}, which refuses a bridge not verified yet and
 * adds the token only for one that is. A bridge is verified by, in order of the config:
 * <ul>
 * <li>{@code bridgeTls.fingerprint}: exactly that certificate;</li>
 * <li>{@code bridgeTls.ca}: a certificate of that CA naming the bridge's address;</li>
 * <li>neither, with a token (the zero-config default): the bridge proves it holds this gateway's
 * token, bound to the certificate the gateway sees ({@link BridgeProofClient}), and that
 * certificate is then pinned for this URL (a later handshake failure, say a renewed certificate,
 * makes the gateway ask for a proof again);</li>
 * <li>neither, without a token (client certificate only): the JDK's public CAs, for a configured
 * bridgeUrl only.</li>
 * </ul>
 * A discovered bridge must also prove it holds the token when the gateway has one, if only
 * bridgeTls.ca verified its certificate: any host the site CA certified could advertise itself as
 * the bridge (N25).
 * Plain HTTP carries credentials only to the configured bridgeUrl with {@code allowPlainCredentials}.
 * A discovered bridge is first checked with a request that carries no credentials.
 */
public final class BridgeTrust {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeTrust.class);
    private static final int MAX_REMEMBERED = 64;
    /** A discovered URL that failed verification is tried again after this long (the admin may have fixed it). */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final GatewayConfig config;
    private final String verifiedBy;
    private final HttpClient configured;
    private final HttpClient plain =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final BridgeProofClient prover;
    private final Map<String, HttpClient> pinned = new HashMap<>();
    private final Set<String> checked = new HashSet<>();
    private final Map<String, Failure> failed = new HashMap<>();
    private final LongSupplier nanos;

    private record Failure(String why, long atNanos) {}

    /**
     * @param gatewayName this gateway's name (the bridge binds its token to it)
     * @throws TlsFileException when a bridgeTls file cannot be used; its field is the key under bridgeTls
     */
    public BridgeTrust(GatewayConfig config, String gatewayName, SecureRandom random, LongSupplier nanos)
            throws TlsFileException {
        this.config = config;
        this.nanos = nanos;
        GatewayConfig.BridgeTls tls = config.bridgeTls();
        boolean byToken = tls.fingerprint() == null && tls.ca() == null && config.bridgeToken() != null;
        this.verifiedBy =
                tls.fingerprint() != null ? "fingerprint" : tls.ca() != null ? "ca" : byToken ? "token" : null;
        this.configured = byToken
                ? null
                : client(ClientTls.context(tls.ca(), tls.fingerprint(), tls.certificate(), tls.privateKey()));
        // With a token, a discovered bridge proves it holds it, whatever else verifies it: a CA may have
        // certified other hosts too (N25).
        this.prover = config.bridgeToken() != null && tls.fingerprint() == null
                ? new BridgeProofClient(config.bridgeToken(), gatewayName, random)
                : null;
        if (byToken) {
            ClientTls.context(null, null, tls.certificate(), tls.privateKey()); // the files load: checked at start
        }
        if (config.allowPlainCredentials()
                && config.bridgeUrl() != null
                && config.bridgeUrl().startsWith("http://")) {
            LOG.warn(
                    "allowPlainCredentials is set: this gateway sends its token to {} over plain HTTP, where anyone "
                            + "on the LAN who sees or redirects the traffic takes it and every stream's keys. For labs only; "
                            + "give it the bridge's https:// URL",
                    config.bridgeUrl());
        }
    }

    /** "fingerprint", "ca" or "token": what verifies a bridge; null when only the JDK's CAs do (no discovery). */
    public String verifiedBy() {
        return verifiedBy;
    }

    /**
     * Null when this gateway may give its credentials to the bridge at {@code url}, else why not and
     * what to configure. May make a request without credentials (a proof or a HEAD), the first time.
     *
     * @param discovered found on mDNS, not configured: anyone may have advertised it
     */
    public synchronized String refusal(String url, boolean discovered) {
        if (url.startsWith("http://")) {
            if (!discovered && config.allowPlainCredentials() && url.equals(config.bridgeUrl())) {
                return null;
            }
            return "it is plain HTTP, and this gateway's bridgeToken or certificate goes only to a bridge whose HTTPS "
                    + "certificate it has verified (anyone on the link can advertise a bridge). Give the bridge HTTPS "
                    + "(it has it by default, port 8443)"
                    + (discovered ? "" : ", or set allowPlainCredentials: true (labs)");
        }
        if (pinned.containsKey(url) || checked.contains(url) || (!discovered && configured != null)) {
            return null;
        }
        if (verifiedBy == null) {
            return "this gateway has neither a bridgeToken nor bridgeTls.fingerprint or bridgeTls.ca to verify a "
                    + "discovered bridge with. Set one, or set bridgeUrl";
        }
        Failure known = failed.get(url);
        if (known != null && nanos.getAsLong() - known.atNanos() < RETRY_NANOS) {
            return known.why();
        }
        try {
            String why = configured == null ? prove(url) : probe(url);
            if (why == null && discovered && prover != null && "ca".equals(verifiedBy)) {
                why = prove(url); // N25: verified by bridgeTls.ca, and it holds this gateway's token
                if (why != null) {
                    checked.remove(url);
                }
            }
            if (why != null && discovered) {
                remember(url, why); // records are free to forge: an impostor costs one try per URL
            }
            return why;
        } catch (SSLException e) {
            String why = "its certificate does not match bridgeTls." + verifiedBy + " (" + e.getMessage()
                    + "): an impostor, or the bridge's certificate changed. If it is the bridge, update bridgeTls."
                    + verifiedBy;
            remember(url, why);
            return why;
        } catch (IOException e) {
            return "unreachable (" + e + "); trying again";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Sends a request to the bridge at {@code url} (the base URL); with {@code credentials}, this
     * gateway's token goes with it. Refused (an {@link UntrustedBridgeException}) unless
     * {@link #refusal} is null for it.
     */
    public <T> HttpResponse<T> send(
            String url, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, boolean credentials)
            throws IOException, InterruptedException {
        String why = refusal(url, !url.equals(config.bridgeUrl()));
        if (why != null) {
            throw new UntrustedBridgeException("not sending to the bridge at " + url + ": " + why);
        }
        if (credentials && config.bridgeToken() != null) {
            request.header("Authorization", "Bearer " + config.bridgeToken());
        }
        try {
            return clientFor(url).send(request.build(), body);
        } catch (SSLException e) {
            forget(url); // a new certificate (or someone else at the address): verify again before the next credential
            throw e;
        }
    }

    private synchronized HttpClient clientFor(String url) {
        if (url.startsWith("http://")) {
            return plain;
        }
        HttpClient client = pinned.get(url);
        return client != null ? client : configured;
    }

    private synchronized void forget(String url) {
        if (pinned.remove(url) != null) {
            LOG.warn(
                    "the bridge at {} no longer shows the certificate this gateway pinned; asking it for a proof again",
                    url);
        }
        checked.remove(url);
    }

    private String prove(String url) throws IOException, InterruptedException {
        BridgeProofClient.Result result = prover.prove(url);
        if (result.refusal() != null) {
            return result.refusal();
        }
        GatewayConfig.BridgeTls tls = config.bridgeTls();
        SSLContext context;
        try {
            context = ClientTls.context(null, result.fingerprint(), tls.certificate(), tls.privateKey());
        } catch (TlsFileException e) {
            throw new IllegalStateException("bridgeTls." + e.field() + ": " + e.getMessage(), e);
        }
        if (pinned.size() >= MAX_REMEMBERED) {
            pinned.clear();
        }
        pinned.put(url, client(context));
        LOG.info(
                "the bridge at {} proved that it holds this gateway's token; its certificate {} is pinned",
                url,
                result.fingerprint());
        return null;
    }

    /** A request without credentials over the configured trust: its TLS handshake verifies the bridge. */
    private String probe(String url) throws IOException, InterruptedException {
        configured.send(
                HttpRequest.newBuilder(URI.create(url + "/api/status"))
                        .timeout(Duration.ofSeconds(3))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        if (checked.size() >= MAX_REMEMBERED) {
            checked.clear();
        }
        checked.add(url);
        return null;
    }

    private void remember(String url, String why) {
        if (failed.size() >= MAX_REMEMBERED) {
            failed.clear(); // memory for forged records stays bounded
        }
        failed.put(url, new Failure(why, nanos.getAsLong()));
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .sslContext(context)
                .build();
    }
}
