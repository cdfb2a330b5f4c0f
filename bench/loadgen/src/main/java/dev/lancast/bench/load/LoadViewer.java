package dev.lancast.bench.load;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.DtlsRole;
import dev.lancast.rtc.dtls.DtlsSession;
import dev.lancast.rtc.dtls.SrtpKeys;
import dev.lancast.rtc.ice.IceClient;
import dev.lancast.rtc.media.KeyframeMarker;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.SendTime;
import dev.lancast.rtc.srtp.SrtpReceiver;
import dev.lancast.rtc.time.WallClock;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.HdrHistogram.IntCountsHistogram;

/**
 * One load-generator viewer, lighter than a {@code PeerConnection}: ICE through {@link IceClient},
 * DTLS as client, then it counts RTP by sequence number and authenticates (decrypts) only what it
 * needs: every video packet until the first complete keyframe, then one packet in
 * {@code sampleEvery}, so the generator costs far less per packet than the server it loads. The
 * send-time extension is read from the clear RTP header. All counters live on the channel's loop.
 */
final class LoadViewer implements IceClient.Peer {
    /** Delays above this (10 s) are recorded as this. */
    static final long MAX_DELAY_MICROS = 10_000_000L;

    /** Counters at one moment, taken on the viewer's loop. */
    record Snapshot(
            long videoReceived,
            long videoExpected,
            long audioReceived,
            long audioExpected,
            long authChecked,
            long authFailed) {
        long received() {
            return videoReceived + audioReceived;
        }

        long expected() {
            return videoExpected + audioExpected;
        }
    }

    private final int index;
    private final Negotiated session;
    private final Track.Codec videoCodec;
    private final int sampleEvery;
    private final WallClock clock;
    private final IceClient ice;
    private final DatagramChannel channel;
    private final DtlsSession dtls;
    private final RtpPacket rtp = new RtpPacket();
    private final TrackCounter video = new TrackCounter();
    private final TrackCounter audio = new TrackCounter();
    private final IntCountsHistogram delays = new IntCountsHistogram(MAX_DELAY_MICROS, 2);
    private final long answerNanos;
    private static final int EARLY_PACKETS = 64;
    private SrtpReceiver srtp;
    private byte[][] early;
    private int earlyCount;
    private volatile boolean measuring;
    private volatile long iceNanos = -1;
    private volatile long connectedNanos = -1;
    private volatile long firstPacketNanos = -1;
    private volatile long firstKeyframeNanos = -1;
    private volatile String failure;
    private int keyframeNextSeq = -1;
    private long packets;
    private long otherPackets;
    private long authChecked;
    private long authFailed;

    LoadViewer(
            int index,
            IceClient ice,
            Negotiated session,
            DtlsCertificate certificate,
            Executor dtlsExecutor,
            int sampleEvery,
            WallClock clock,
            long answerNanos) {
        this.index = index;
        this.ice = ice;
        this.channel = ice.channel();
        this.session = session;
        this.videoCodec = Track.Codec.of(session.videoCodec());
        this.sampleEvery = sampleEvery;
        this.clock = clock;
        this.answerNanos = answerNanos;
        this.dtls = new DtlsSession(
                DtlsRole.CLIENT,
                certificate,
                session.fingerprint(),
                this::sendDtls,
                dtlsExecutor,
                Duration.ofSeconds(15));
        dtls.handshakeFuture()
                .whenComplete((keys, error) -> channel.eventLoop().execute(() -> {
                    if (error != null) {
                        failure = "DTLS: " + error.getMessage();
                    } else {
                        onKeys(keys);
                    }
                }));
    }

    int index() {
        return index;
    }

    /** Starts ICE checks; DTLS follows once a check succeeds. */
    CompletableFuture<InetSocketAddress> start() {
        CompletableFuture<InetSocketAddress> path = ice.start(channel -> this);
        path.whenComplete((from, error) -> {
            if (error != null) {
                failure = "ICE: " + error.getMessage();
            } else {
                iceNanos = System.nanoTime();
                dtls.start();
            }
        });
        return path;
    }

    private void onKeys(SrtpKeys keys) {
        srtp = new SrtpReceiver(keys.profile(), keys.remoteKey(), keys.remoteSalt(), 1024);
        connectedNanos = System.nanoTime();
        for (int i = 0; i < earlyCount; i++) {
            onRtp(early[i], 0, early[i].length);
        }
        early = null;
        earlyCount = 0;
    }

    @Override
    public void onIcePath(InetSocketAddress from, boolean nominate) {}

    @Override
    public void onDatagram(byte[] buf, int off, int len) {
        int first = buf[off] & 0xFF;
        if (first >= 20 && first <= 63) {
            dtls.onPacket(buf, off, len);
            return;
        }
        if (first < 128 || first > 191 || RtpPacket.isRtcp(buf, off, len) || len < RtpPacket.FIXED_HEADER) {
            otherPackets++;
            return;
        }
        if (srtp == null) {
            holdEarly(buf, off, len);
            return;
        }
        onRtp(buf, off, len);
    }

    /**
     * The server may send its first media (the gateway's keyframe primer) as soon as it has our
     * Finished, a moment before our DTLS thread hands us the keys: keep a few such packets for
     * then, as a browser's single-threaded stack never drops them.
     */
    private void holdEarly(byte[] buf, int off, int len) {
        if (early == null) {
            early = new byte[EARLY_PACKETS][];
        }
        if (earlyCount < EARLY_PACKETS && len <= 2048) {
            early[earlyCount++] = Arrays.copyOfRange(buf, off, off + len);
        }
    }

    private void onRtp(byte[] buf, int off, int len) {
        long now = System.nanoTime();
        if (firstPacketNanos < 0) {
            firstPacketNanos = now;
        }
        int pt = buf[off + 1] & 0x7F;
        int seq = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        boolean isVideo = pt == session.videoPt();
        if (isVideo) {
            video.onPacket(seq);
        } else if (pt == session.audioPt()) {
            audio.onPacket(seq);
        } else {
            otherPackets++; // RTX and anything else: not part of the stream's count
            return;
        }
        packets++;
        if (measuring) {
            long sent = SendTime.read(buf, off, len);
            if (sent > 0) {
                delays.recordValue(Math.max(0, Math.min(MAX_DELAY_MICROS, clock.microsAt(now) - sent)));
            }
        }
        boolean wantKeyframe = isVideo && firstKeyframeNanos < 0;
        if (wantKeyframe || packets % sampleEvery == 0) {
            authChecked++;
            int n = srtp.unprotectRtp(buf, off, len);
            if (n < 0) {
                if (n != SrtpReceiver.REPLAY) {
                    authFailed++;
                }
                return;
            }
            if (wantKeyframe && rtp.wrap(buf, off, n)) {
                followKeyframe(seq, now);
            }
        }
    }

    /** A keyframe is complete when its first packet through the marker arrived without a gap. */
    private void followKeyframe(int seq, long now) {
        if (KeyframeMarker.starts(videoCodec, rtp)) {
            keyframeNextSeq = (seq + 1) & 0xFFFF;
        } else if (keyframeNextSeq == seq) {
            keyframeNextSeq = (seq + 1) & 0xFFFF;
        } else {
            keyframeNextSeq = -1;
            return;
        }
        if (rtp.marker()) {
            firstKeyframeNanos = now;
        }
    }

    private void sendDtls(byte[] buf, int off, int len) {
        InetSocketAddress to = session.server();
        channel.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(buf, off, len), to), channel.voidPromise());
    }

    /** Starts or stops recording delays (the steady-state window). */
    void measuring(boolean on) {
        measuring = on;
    }

    CompletableFuture<Snapshot> snapshot() {
        CompletableFuture<Snapshot> f = new CompletableFuture<>();
        channel.eventLoop()
                .execute(() -> f.complete(new Snapshot(
                        video.received(),
                        video.expected(),
                        audio.received(),
                        audio.expected(),
                        authChecked,
                        authFailed)));
        return f;
    }

    /** The delay histogram; read it only after {@link #measuring(boolean) measuring(false)} and a snapshot. */
    IntCountsHistogram delays() {
        return delays;
    }

    boolean connected() {
        return connectedNanos > 0;
    }

    String failure() {
        return failure;
    }

    /** Nanoseconds from the signaling answer to the first RTP packet, or -1. */
    long firstPacketAfterAnswerNanos() {
        return firstPacketNanos < 0 ? -1 : firstPacketNanos - answerNanos;
    }

    /** Nanoseconds from the signaling answer to the first ICE check answered, or -1. */
    long iceAfterAnswerNanos() {
        return iceNanos < 0 ? -1 : iceNanos - answerNanos;
    }

    /** Nanoseconds from the signaling answer to DTLS done (SRTP keys), or -1. */
    long dtlsAfterAnswerNanos() {
        return connectedNanos < 0 ? -1 : connectedNanos - answerNanos;
    }

    /** Nanoseconds from the signaling answer to the first complete keyframe, or -1. */
    long firstKeyframeAfterAnswerNanos() {
        return firstKeyframeNanos < 0 ? -1 : firstKeyframeNanos - answerNanos;
    }

    void close() {
        try {
            session.teardown().run();
        } catch (Exception ignored) {
            // the server may already have ended the session; the run is over either way
        }
        dtls.close();
        channel.eventLoop().execute(() -> {
            if (srtp != null) {
                srtp.close();
            }
        });
        ice.close();
    }
}
