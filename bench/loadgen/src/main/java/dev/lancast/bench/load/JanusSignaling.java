package dev.lancast.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.RtpMap;
import dev.lancast.rtc.sdp.SessionDescription;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Janus streaming plugin's HTTP API, for side-by-side figures: create a session, attach
 * {@code janus.plugin.streaming}, {@code watch} a mountpoint, take the offer Janus makes from the
 * long poll, {@code start} with our answer; {@code destroy} ends it. Janus must run ICE-lite
 * ({@code nat.ice_lite = true}) so that, as with lancast, our viewers are the controlling agents,
 * and with {@code session_timeout = 0} (or keepalives would be ours to send).
 */
final class JanusSignaling implements Signaling {
    private static final Logger LOG = LoggerFactory.getLogger(JanusSignaling.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final URI base;
    private final long mountpoint;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong transactions = new AtomicLong();

    JanusSignaling(URI base, long mountpoint, HttpClient http) {
        this.base = base;
        this.mountpoint = mountpoint;
        this.http = http;
    }

    @Override
    public Negotiated negotiate(IceCredentials local, DtlsCertificate certificate, InetSocketAddress localSocket)
            throws Exception {
        long session = post(base.resolve("/janus"), request("create"))
                .path("data")
                .path("id")
                .asLong();
        URI sessionUri = base.resolve("/janus/" + session);
        try {
            ObjectNode attach = request("attach");
            attach.put("plugin", "janus.plugin.streaming");
            long handle = post(sessionUri, attach).path("data").path("id").asLong();
            URI handleUri = base.resolve("/janus/" + session + "/" + handle);
            ObjectNode watch = request("message");
            watch.putObject("body").put("request", "watch").put("id", mountpoint);
            post(handleUri, watch);
            String offer = awaitOffer(sessionUri);
            LOG.debug("Janus offer:\n{}", offer);
            ObjectNode start = request("message");
            start.putObject("body").put("request", "start");
            start.putObject("jsep").put("type", "answer").put("sdp", answer(offer, local, certificate, localSocket));
            post(handleUri, start);
            return Sdp.read(offer, () -> post(sessionUri, request("destroy")));
        } catch (Exception e) {
            try {
                post(sessionUri, request("destroy"));
            } catch (Exception ignored) {
                // the failure above is the one to report
            }
            throw e;
        }
    }

    /** Long-polls the session's events until the plugin's event with the JSEP offer arrives. */
    private String awaitOffer(URI session) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(session + "?maxev=1"))
                            .timeout(Duration.ofSeconds(35))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode event = json.readTree(r.body());
            JsonNode first = event.isArray() ? event.path(0) : event;
            if (first.has("jsep")
                    && "offer".equals(first.path("jsep").path("type").asText())) {
                return first.path("jsep").path("sdp").asText();
            }
            if (first.path("plugindata").path("data").has("error")) {
                throw new IOException("Janus refused the watch: "
                        + first.path("plugindata").path("data").path("error").asText());
            }
        }
        throw new IOException("Janus sent no offer within " + TIMEOUT.toSeconds() + " s");
    }

    /** A recvonly, bundled answer to Janus's offer: opus and VP8 (or H264), rtcp-mux, DTLS client. */
    static String answer(
            String offerText, IceCredentials local, DtlsCertificate certificate, InetSocketAddress localSocket)
            throws Exception {
        SessionDescription offer = SessionDescription.parse(offerText);
        StringBuilder mids = new StringBuilder();
        StringBuilder media = new StringBuilder();
        for (MediaDescription m : offer.media()) {
            String encoding = m.kind().equals("audio") ? "opus" : m.kind().equals("video") ? "VP8" : null;
            var codec = encoding == null
                    ? Optional.<RtpMap>empty()
                    : m.rtpMaps().stream()
                            .filter(r -> r.encoding().equalsIgnoreCase(encoding))
                            .findFirst();
            if (codec.isEmpty() && m.kind().equals("video")) {
                codec = m.rtpMaps().stream()
                        .filter(r -> r.encoding().equalsIgnoreCase("H264"))
                        .findFirst();
            }
            if (codec.isEmpty()) {
                media.append("m=")
                        .append(m.kind())
                        .append(" 0 ")
                        .append(m.protocol())
                        .append(' ')
                        .append(m.formats().get(0))
                        .append("\r\n")
                        .append("c=IN IP4 0.0.0.0\r\na=mid:")
                        .append(m.mid())
                        .append("\r\na=inactive\r\n");
                continue;
            }
            var rtpMap = codec.get();
            mids.append(' ').append(m.mid());
            media.append("m=")
                    .append(m.kind())
                    .append(" 9 UDP/TLS/RTP/SAVPF ")
                    .append(rtpMap.payloadType())
                    .append("\r\n")
                    .append("c=IN IP4 0.0.0.0\r\n")
                    .append("a=ice-ufrag:")
                    .append(local.ufrag())
                    .append("\r\n")
                    .append("a=ice-pwd:")
                    .append(local.pwd())
                    .append("\r\n")
                    .append("a=fingerprint:sha-256 ")
                    .append(certificate.fingerprintSha256())
                    .append("\r\n")
                    .append("a=setup:active\r\n")
                    .append("a=mid:")
                    .append(m.mid())
                    .append("\r\n")
                    .append("a=recvonly\r\na=rtcp-mux\r\n")
                    .append("a=rtpmap:")
                    .append(rtpMap.payloadType())
                    .append(' ')
                    .append(rtpMap.encoding())
                    .append('/')
                    .append(rtpMap.clockRate())
                    .append(rtpMap.channels() > 1 ? "/" + rtpMap.channels() : "")
                    .append("\r\n");
            m.fmtp(rtpMap.payloadType())
                    .ifPresent(f -> media.append("a=fmtp:")
                            .append(rtpMap.payloadType())
                            .append(' ')
                            .append(f)
                            .append("\r\n"));
            if (m.kind().equals("video")) {
                media.append("a=rtcp-fb:")
                        .append(rtpMap.payloadType())
                        .append(" nack\r\n")
                        .append("a=rtcp-fb:")
                        .append(rtpMap.payloadType())
                        .append(" nack pli\r\n");
            }
            media.append("a=candidate:1 1 udp 2122260223 ")
                    .append(localSocket.getAddress().getHostAddress())
                    .append(' ')
                    .append(localSocket.getPort())
                    .append(" typ host\r\na=end-of-candidates\r\n");
        }
        return "v=0\r\no=- " + System.nanoTime() + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + "a=group:BUNDLE" + mids
                + "\r\na=msid-semantic: WMS\r\n" + media;
    }

    private ObjectNode request(String verb) {
        ObjectNode n = json.createObjectNode();
        n.put("janus", verb);
        n.put("transaction", "t" + transactions.incrementAndGet());
        return n;
    }

    private JsonNode post(URI uri, ObjectNode body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode reply = json.readTree(r.body());
        String kind = reply.path("janus").asText();
        if (r.statusCode() != 200 || kind.equals("error")) {
            throw new IOException("Janus answered " + body.path("janus").asText() + " with " + r.statusCode() + ": "
                    + r.body().trim());
        }
        return reply;
    }

    @Override
    public String server() {
        return "janus";
    }
}
