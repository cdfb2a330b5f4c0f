package dev.lancast.gateway.trust;

import dev.lancast.rtc.auth.BridgeProof;
import dev.lancast.rtc.tls.ClientTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Asks a bridge to prove it holds this gateway's token ({@link BridgeProof}), over a TLS
 * connection that accepts any certificate and carries nothing secret: no token, no client
 * certificate. The answer is checked against the certificate that connection actually got; that
 * certificate's fingerprint is what the gateway then pins for everything with credentials.
 */
final class BridgeProofClient {
    /** The outcome: the fingerprint to pin, or why not. */
    record Result(String fingerprint, String refusal) {}

    private static final int MAX_BODY = 1024;
    private final HttpClient unverified = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .sslContext(ClientTls.unverified())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final String token;
    private final String gatewayName;
    private final SecureRandom random;
    private byte[] key;

    /** @param token this gateway's token; its proof key is derived at the first proof, once (slow on purpose) */
    BridgeProofClient(String token, String gatewayName, SecureRandom random) {
        this.token = token;
        this.gatewayName = gatewayName;
        this.random = random;
    }

    /** @throws IOException when the bridge cannot be reached (not a verdict: try again later) */
    Result prove(String baseUrl) throws IOException, InterruptedException {
        byte[] nonce = new byte[BridgeProof.NONCE_BYTES];
        random.nextBytes(nonce);
        URI uri = URI.create(baseUrl + "/api/gateways/" + URLEncoder.encode(gatewayName, StandardCharsets.UTF_8)
                + "/proof?nonce=" + BridgeProof.hex(nonce));
        HttpResponse<InputStream> response = unverified.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        String body;
        try (InputStream in = response.body()) {
            // Whoever answers is not trusted yet: read no more than a proof (or a short reason) takes.
            body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
        }
        X509Certificate seen = certificateOf(response);
        if (seen == null) {
            return new Result(null, "it sent no certificate");
        }
        if (response.statusCode() == 404) {
            return new Result(
                    null,
                    "it does not know a gateway named '" + gatewayName + "' (" + firstLine(body)
                            + "): give this gateway the discovery.name that the bridge's keys.gatewayTokens gives its token");
        }
        if (response.statusCode() != 200) {
            return new Result(
                    null,
                    "it answered the proof request with HTTP " + response.statusCode() + " (" + firstLine(body) + ")");
        }
        byte[] presented;
        try {
            presented = BridgeProof.parseProof(body);
        } catch (IllegalArgumentException e) {
            return new Result(null, "its proof is malformed: " + e.getMessage());
        }
        if (key == null) {
            key = BridgeProof.key(token); // one thread (the caller holds BridgeTrust's lock)
        }
        byte[] expected;
        try {
            expected = BridgeProof.proof(key, nonce, seen.getEncoded(), gatewayName);
        } catch (CertificateEncodingException e) {
            return new Result(null, "its certificate cannot be encoded: " + e.getMessage());
        }
        if (!BridgeProof.matches(expected, presented)) {
            return new Result(
                    null,
                    "it could not prove that it holds this gateway's token for the certificate it "
                            + "showed (" + ClientTls.fingerprint(seen)
                            + "): an impostor, or the bridge's keys.gatewayTokens "
                            + "gives '" + gatewayName + "' another token than this gateway's bridgeToken");
        }
        return new Result(ClientTls.fingerprint(seen), null);
    }

    private static X509Certificate certificateOf(HttpResponse<?> response) {
        SSLSession session = response.sslSession().orElse(null);
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The first line of a body, at most 200 characters: what a bridge (or anyone) answered, for a log line. */
    private static String firstLine(String body) {
        String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
        line = line.replaceAll("\\p{Cntrl}", "?");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
