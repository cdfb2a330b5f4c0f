package dev.lancast.sender.whip;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.DtlsRole;
import dev.lancast.rtc.ice.IceClient;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.rtcp.NtpTime;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.sdp.Candidate;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.OfferBuilder;
import dev.lancast.rtc.sdp.SdpException;
import dev.lancast.rtc.sdp.SessionDescription;
import dev.lancast.sender.clip.AudioClip;
import dev.lancast.sender.clip.ClipLoop;
import dev.lancast.sender.clip.MediaSink;
import dev.lancast.sender.clip.VideoClip;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WHIP client that publishes the looping test clip: offer, ICE towards the server's host
 * candidate, DTLS client, then VP8 and Opus over SRTP with sender reports once a second.
 */
public final class WhipSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhipSender.class);
    private static final int VIDEO_PT = 96;
    private static final int AUDIO_PT = 111;

    private final URI whipUrl;
    private final String token;
    private final SecureRandom random = new SecureRandom();
    private final EventLoops loops = new EventLoops("lancast-sender-io", 1);
    private final ExecutorService dtlsExecutor =
            Executors.newSingleThreadExecutor(new NamedThreadFactory("lancast-sender-dtls", true));
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final long videoSsrc = random.nextInt() & 0xFFFFFFFFL;
    private final long audioSsrc = random.nextInt() & 0xFFFFFFFFL;
    private IceClient ice;
    private PeerConnection pc;
    private ClipLoop clip;
    private URI session;
    private ScheduledFuture<?> reports;
    private volatile boolean closing;
    /** When the server last sent us RTCP (its receiver reports: proof it still has our session); 0: never. */
    private volatile long lastHeardNanos;

    private volatile String ended;
    private final RtpTimeline videoTimeline = new RtpTimeline(90000);
    private final RtpTimeline audioTimeline = new RtpTimeline(48000);

    public WhipSender(URI whipUrl, String token) {
        this.whipUrl = whipUrl;
        this.token = token;
    }

    /** Publishes and returns once media flows; throws with the server's reason if it refuses. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        DtlsCertificate certificate = DtlsCertificate.generate();
        IceCredentials local = IceCredentials.generate(random);
        String offer = new OfferBuilder()
                .ice(local.ufrag(), local.pwd())
                .fingerprint("sha-256", certificate.fingerprintSha256())
                .audio(AUDIO_PT, audioSsrc, "lancast-sender", "lancast", "lancast-audio")
                .video(VIDEO_PT, videoSsrc, "lancast-sender", "lancast", "lancast-video")
                .build();
        HttpRequest.Builder post = HttpRequest.newBuilder(whipUrl)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(offer));
        if (token != null) {
            post.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new WhipRefusedException(
                    response.statusCode(), response.body().trim());
        }
        session = whipUrl.resolve(response.headers()
                .firstValue("Location")
                .orElseThrow(() -> new IOException("WHIP answer has no Location header")));
        SessionDescription answer;
        byte[] remoteFingerprint;
        try {
            answer = SessionDescription.parse(response.body());
            if (answer.media().isEmpty()) {
                throw new SdpException("no media section");
            }
            remoteFingerprint = answer.fingerprint(answer.media().get(0))
                    .orElseThrow(() -> new SdpException("no fingerprint"))
                    .bytes();
        } catch (SdpException e) {
            throw new IOException("WHIP server sent a malformed answer: " + e.getMessage(), e);
        }
        MediaDescription first = answer.media().get(0);
        var remoteIce = answer.ice(first);
        Candidate candidate = first.candidates().stream()
                .filter(c -> c.transport().equalsIgnoreCase("udp"))
                .findFirst()
                .orElseThrow(() -> new IOException("answer has no UDP candidate"));
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(candidate.address()), candidate.port());
        IceCredentials remoteCreds = new IceCredentials(remoteIce.ufrag(), remoteIce.pwd());
        ice = new IceClient(
                loops, new InetSocketAddress(sourceAddressFor(remote), 0), remote, local, remoteCreds, random);
        var iceDone = ice.start(channel -> pc = new PeerConnection(
                "sender",
                local,
                remoteCreds,
                DtlsRole.CLIENT,
                certificate,
                remoteFingerprint,
                channel,
                dtlsExecutor,
                Duration.ofSeconds(15),
                new Feedback(),
                System::nanoTime));
        try {
            iceDone.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            pc.startDtls();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (pc.state() != PeerConnection.State.CONNECTED) {
                if (pc.isClosed() || System.nanoTime() > deadline) {
                    throw new IOException("DTLS with " + remote + " did not complete");
                }
                Thread.sleep(20);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("ICE with " + remote + " did not complete: " + e, e);
        }
        clip = new ClipLoop(
                VideoClip.loadDefault(),
                AudioClip.loadDefault(),
                new Packetizer(),
                random.nextInt() & 0xFFFFFFFFL,
                random.nextInt() & 0xFFFFFFFFL);
        clip.start();
        reports = pc.eventLoop().scheduleAtFixedRate(this::sendReports, 500, 1000, TimeUnit.MILLISECONDS);
        LOG.info("publishing the test clip to {} (session {})", whipUrl, session);
    }

    /** Source address the kernel would use towards the server, so we bind no wider than needed. */
    private static InetAddress sourceAddressFor(InetSocketAddress remote) throws IOException {
        if (remote.getAddress().isLoopbackAddress()) {
            return InetAddress.getLoopbackAddress();
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(remote);
            return probe.getLocalAddress();
        }
    }

    public boolean isConnected() {
        return pc != null && pc.state() == PeerConnection.State.CONNECTED;
    }

    /**
     * Why this session no longer publishes, or null while it does: it ended, or the server that
     * used to send RTCP has sent none for {@code silenceNanos} (it went away: a restarted bridge
     * knows nothing of us and says nothing). A server that never sends RTCP is judged by the end
     * of the session alone.
     */
    public String failure(long nowNanos, long silenceNanos) {
        String why = ended;
        if (why != null) {
            return "session ended: " + why;
        }
        long heard = lastHeardNanos;
        if (heard != 0 && nowNanos - heard > silenceNanos) {
            return "nothing heard from the server for " + (nowNanos - heard) / 1_000_000 + " ms";
        }
        return null;
    }

    private void sendReports() {
        byte[] out = new byte[256];
        long ntp = NtpTime.now();
        int n = 0;
        if (videoTimeline.started()) {
            n += RtcpWriter.writeSenderReport(
                    out, n, videoSsrc, ntp, videoTimeline.now(), videoTimeline.packets, videoTimeline.octets);
        }
        if (audioTimeline.started()) {
            n += RtcpWriter.writeSenderReport(
                    out, n, audioSsrc, ntp, audioTimeline.now(), audioTimeline.packets, audioTimeline.octets);
        }
        if (n > 0) {
            pc.writeRtcp(out, 0, n);
            pc.flush();
        }
    }

    private void send(
            long ssrc, int pt, RtpTimeline timeline, byte[] payload, int off, int len, long ts, boolean marker) {
        byte[] packet = new byte[12 + len];
        int seq = timeline.nextSeq();
        RtpPacket.writeHeader(packet, 0, marker, pt, seq, ts, ssrc);
        System.arraycopy(payload, off, packet, 12, len);
        timeline.sent(ts, len);
        pc.eventLoop().execute(() -> {
            pc.writeRtp(packet, 0, packet.length);
            pc.flush();
        });
    }

    /** Turns the clip's payloads into RTP packets on the session. */
    private final class Packetizer implements MediaSink {
        @Override
        public void video(byte[] payload, int off, int len, long rtpTimestamp90k, boolean marker) {
            send(videoSsrc, VIDEO_PT, videoTimeline, payload, off, len, rtpTimestamp90k, marker);
        }

        @Override
        public void audio(byte[] payload, int off, int len, long rtpTimestamp48k) {
            send(audioSsrc, AUDIO_PT, audioTimeline, payload, off, len, rtpTimestamp48k, false);
        }
    }

    /** Keyframe requests reach the clip (which counts them: it has a keyframe every second). */
    private final class Feedback implements PeerConnection.Listener {
        private final RtcpPacket rtcp = new RtcpPacket();

        @Override
        public void onRtp(PeerConnection pc, byte[] buf, int off, int len) {}

        @Override
        public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {
            lastHeardNanos = System.nanoTime();
            if (!rtcp.wrap(buf, off, len)) {
                return;
            }
            while (rtcp.next()) {
                if (rtcp.packetType() == 206 && (rtcp.countOrFmt() == 1 || rtcp.countOrFmt() == 4) && clip != null) {
                    clip.requestKeyframe();
                }
            }
        }

        @Override
        public void onClosed(PeerConnection pc, String reason) {
            ended = reason;
            if (closing) {
                LOG.info("WHIP session ended: {}", reason);
            } else {
                LOG.warn("WHIP session ended: {}", reason);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        if (reports != null) {
            reports.cancel(false);
        }
        if (clip != null) {
            clip.close();
        }
        if (session != null) {
            try {
                HttpRequest.Builder delete = HttpRequest.newBuilder(session)
                        .timeout(Duration.ofSeconds(3))
                        .DELETE();
                if (token != null) {
                    delete.header("Authorization", "Bearer " + token);
                }
                http.send(delete.build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                LOG.debug("DELETE {} failed: {}", session, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pc != null) {
            pc.close("sender stopped");
        }
        if (ice != null) {
            ice.close();
        }
        dtlsExecutor.shutdownNow();
        loops.close();
    }
}
