package dev.lancast.bench.load;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** WHEP (draft-ietf-wish-whep): POST the offer, 201 with the answer and a Location to DELETE. */
final class WhepSignaling implements Signaling {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final URI endpoint;
    private final String token;
    private final HttpClient http;
    private final String offerTemplate;

    WhepSignaling(URI endpoint, String token, HttpClient http) {
        this.endpoint = endpoint;
        this.token = token;
        this.http = http;
        this.offerTemplate = chromeOffer();
    }

    /** An offer as Chromium makes one for a recvonly audio+video WHEP session (captured, credentials replaced). */
    static String chromeOffer() {
        try (InputStream in = WhepSignaling.class.getResourceAsStream("/chrome-whep-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String offer(String template, IceCredentials ice, DtlsCertificate certificate) {
        return template.replaceAll("a=ice-ufrag:\\S+", "a=ice-ufrag:" + ice.ufrag())
                .replaceAll("a=ice-pwd:\\S+", "a=ice-pwd:" + ice.pwd())
                .replaceAll("a=fingerprint:sha-256 \\S+", "a=fingerprint:sha-256 " + certificate.fingerprintSha256());
    }

    @Override
    public Negotiated negotiate(IceCredentials local, DtlsCertificate certificate, InetSocketAddress localSocket)
            throws Exception {
        HttpRequest.Builder post = HttpRequest.newBuilder(endpoint)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(offer(offerTemplate, local, certificate)));
        if (token != null) {
            post.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("WHEP answered " + response.statusCode() + ": "
                    + response.body().trim());
        }
        URI session = endpoint.resolve(response.headers()
                .firstValue("Location")
                .orElseThrow(() -> new IOException("WHEP answered 201 without a Location")));
        return Sdp.read(
                response.body(),
                () -> http.send(
                        HttpRequest.newBuilder(session)
                                .timeout(TIMEOUT)
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding()));
    }

    @Override
    public String server() {
        return "lancast";
    }
}
