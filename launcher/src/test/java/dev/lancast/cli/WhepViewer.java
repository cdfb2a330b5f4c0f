package dev.lancast.cli;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.DtlsRole;
import dev.lancast.rtc.ice.IceClient;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.sdp.Candidate;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.SessionDescription;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WHEP viewer for tests, from our own WebRTC classes: offers what Chrome offers (with its own
 * ICE credentials and certificate), connects over loopback, counts the media it receives and can
 * send the gateway whatever RTCP feedback a test wants.
 */
final class WhepViewer implements AutoCloseable {
    private final SecureRandom random = new SecureRandom();
    private final EventLoops loops = new EventLoops("test-viewer-io", 1);
    private final ExecutorService dtls =
            Executors.newSingleThreadExecutor(new NamedThreadFactory("test-viewer-dtls", true));
    private final AtomicLong rtpReceived = new AtomicLong();
    private final AtomicLong firstRtpNanos = new AtomicLong();
    /** The content hash of each (SSRC, sequence number) received: the same number must never bring new content. */
    private final java.util.Map<Long, Integer> contentBySeq = new java.util.concurrent.ConcurrentHashMap<>();

    private final AtomicLong indexReuses = new AtomicLong();
    private final java.util.Map<Long, Integer> firstSeqBySsrc = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Long, Integer> lastSeqBySsrc = new java.util.concurrent.ConcurrentHashMap<>();
    private final long ssrc = random.nextInt() & 0xFFFFFFFFL;
    private final byte[] rtcp = new byte[1500];
    private final HttpClient http = HttpClient.newHttpClient();
    private IceClient ice;
    private PeerConnection pc;
    private URI session;

    /** An offer as Chrome makes one for a recvonly audio+video WHEP session, with these credentials. */
    static String chromeOffer(IceCredentials ice, DtlsCertificate certificate) throws IOException {
        String template;
        try (var in = WhepViewer.class.getResourceAsStream("/chrome-whep-offer.sdp")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return template.replaceAll("a=ice-ufrag:\\S+", "a=ice-ufrag:" + ice.ufrag())
                .replaceAll("a=ice-pwd:\\S+", "a=ice-pwd:" + ice.pwd())
                .replaceAll("a=fingerprint:sha-256 \\S+", "a=fingerprint:sha-256 " + certificate.fingerprintSha256());
    }

    /** Posts a quality report (as the viewer page does) on this session's URL; returns the status. */
    int reportQuality(String json) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create(session + "/quality"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Plays {@code whepUrl}; returns once DTLS is up. */
    void start(String whepUrl, Duration timeout) throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate();
        IceCredentials local = IceCredentials.generate(random);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(whepUrl))
                        .header("Content-Type", "application/sdp")
                        .POST(HttpRequest.BodyPublishers.ofString(chromeOffer(local, certificate)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("WHEP answered " + response.statusCode() + ": "
                    + response.body().trim());
        }
        session = URI.create(whepUrl)
                .resolve(response.headers().firstValue("Location").orElseThrow());
        SessionDescription answer = SessionDescription.parse(response.body());
        MediaDescription first = answer.media().get(0);
        byte[] fingerprint = answer.fingerprint(first).orElseThrow().bytes();
        IceCredentials remote =
                new IceCredentials(answer.ice(first).ufrag(), answer.ice(first).pwd());
        Candidate candidate = first.candidates().get(0);
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(candidate.address()), candidate.port());
        ice = new IceClient(
                loops, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), server, local, remote, random);
        ice.start(channel -> pc = new PeerConnection(
                        "test-viewer",
                        local,
                        remote,
                        DtlsRole.CLIENT,
                        certificate,
                        fingerprint,
                        channel,
                        dtls,
                        Duration.ofSeconds(15),
                        new PeerConnection.Listener() {
                            @Override
                            public void onRtp(PeerConnection p, byte[] buf, int off, int len) {
                                if (rtpReceived.getAndIncrement() == 0) {
                                    firstRtpNanos.set(System.nanoTime());
                                }
                                long ssrc = ((long) (buf[off + 8] & 0xFF) << 24)
                                        | ((buf[off + 9] & 0xFF) << 16)
                                        | ((buf[off + 10] & 0xFF) << 8)
                                        | (buf[off + 11] & 0xFF);
                                int seq = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
                                firstSeqBySsrc.putIfAbsent(ssrc, seq);
                                lastSeqBySsrc.put(ssrc, seq);
                                int hash = java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(buf, off, off + len));
                                Integer before = contentBySeq.putIfAbsent((ssrc << 16) | seq, hash);
                                if (before != null && before != hash) {
                                    indexReuses.incrementAndGet();
                                }
                            }

                            @Override
                            public void onRtcp(PeerConnection p, byte[] buf, int off, int len) {}
                        },
                        System::nanoTime))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        pc.startDtls();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pc.state() != PeerConnection.State.CONNECTED) {
            if (pc.isClosed() || System.nanoTime() > deadline) {
                throw new IOException("DTLS with the gateway did not complete");
            }
            Thread.sleep(20);
        }
    }

    long rtpReceived() {
        return rtpReceived.get();
    }

    /** System.nanoTime() when the first RTP packet was decrypted; 0 before. */
    long firstRtpNanos() {
        return firstRtpNanos.get();
    }

    /** SRTP packets this viewer refused: forged, or (what a test of repairs looks for) replays of ones it has. */
    long srtpFailures() {
        return pc.srtpFailures();
    }

    /** Packets that came with an SSRC and sequence number already received with other content (SRTP nonce reuse). */
    long indexReuses() {
        return indexReuses.get();
    }

    /** The sequence number of the latest packet received with this SSRC, or -1. */
    int lastSeq(long ssrc) {
        return lastSeqBySsrc.getOrDefault(ssrc, -1);
    }

    /** The sequence number of the first packet received with this SSRC, or -1. */
    int firstSeq(long ssrc) {
        return firstSeqBySsrc.getOrDefault(ssrc, -1);
    }

    /** Sends one PLI for mediaSsrc, on the session's loop. */
    void sendPli(long mediaSsrc) {
        pc.eventLoop().execute(() -> {
            pc.writeRtcp(rtcp, 0, RtcpWriter.writePli(rtcp, 0, ssrc, mediaSsrc));
            pc.flush();
        });
    }

    /** Sends one NACK asking again for count packets from firstSeq on. */
    void sendNack(long mediaSsrc, int firstSeq, int count) {
        pc.eventLoop().execute(() -> {
            int[] seqs = new int[count];
            for (int i = 0; i < count; i++) {
                seqs[i] = (firstSeq + i) & 0xFFFF;
            }
            pc.writeRtcp(rtcp, 0, RtcpWriter.writeNack(rtcp, 0, ssrc, mediaSsrc, seqs, count));
            pc.flush();
        });
    }

    @Override
    public void close() throws IOException {
        if (session != null) {
            try {
                http.send(HttpRequest.newBuilder(session).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pc != null) {
            pc.close("test viewer done");
        }
        if (ice != null) {
            ice.close();
        }
        dtls.shutdownNow();
        loops.close();
    }
}
