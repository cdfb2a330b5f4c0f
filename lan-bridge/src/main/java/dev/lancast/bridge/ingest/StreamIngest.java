package dev.lancast.bridge.ingest;

import dev.lancast.bridge.config.BridgeConfig.StreamConfig;
import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.peer.SessionIds;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.media.FeedbackPort;
import dev.lancast.rtc.media.SenderReportTap;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream at the bridge: the current broadcaster's session, the rewriting that keeps the
 * multicast stream continuous across broadcasters, the RTCP we owe the broadcaster (receiver
 * reports, REMB so its encoder ramps up to maxBitrate, keyframe requests) and the publisher that
 * sends everything once to the groups. Each packet takes its track's pipeline
 * ({@link IngestPipelines}); media methods run on the media event loop and assert it.
 */
public final class StreamIngest implements PeerConnection.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamIngest.class);

    private volatile StreamConfig config;
    private final GroupPublisher publisher;
    private final EventLoop loop;
    private final String feedbackAddress;
    private volatile String sourceAddress;
    private final TrackRewriter video;
    private final TrackRewriter audio;
    private final long rtcpSsrc;
    private final RtpPacket rtp = new RtpPacket();
    private final RtcpPacket rtcp = new RtcpPacket();
    private final byte[] rtcpOut = new byte[1500];
    private final dev.lancast.rtc.limits.PeriodicTask reportTimer;
    private final dev.lancast.rtc.limits.PeriodicTask lossTimer;
    /** The current broadcaster's track pipelines, made when it takes over; null before. Media loop only. */
    private IngestPipelines pipelines;
    private final BroadcasterFeedback feedback = new BroadcasterFeedback();
    private long bytesReceived;
    private long bytesAtLastReport;
    private volatile PeerConnection broadcaster;
    /** A new WHIP session that has not connected yet, with its codecs; it takes over once it connects. Media loop. */
    private PeerConnection pending;
    private IngestCodecs pendingCodecs;
    private volatile IngestCodecs codecs;
    private long lastKeyframeRequestNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
    private boolean keyframeRequestPending;
    /**
     * Sustained keyframe requests to the broadcaster: a burst of KEYFRAME_BURST, then one per
     * 5 x keyframeIntervalMs (generic cell rate: the theoretical arrival time). One viewer's PLIs or
     * join churn used to hold the encoder at a keyframe every keyframeIntervalMs.
     */
    public static final int KEYFRAME_BURST = 3;
    private long keyframeTat = System.nanoTime();
    // The stream's series in the process's table ({@link IngestCounters}): written on the media loop only.
    private final SingleWriterCounter receiveBitrate;
    private final SingleWriterCounter packetsForwarded;
    private final SingleWriterCounter keyframeRequestsDeferred;
    private final SingleWriterCounter keyframeRequestsSent;
    private final SingleWriterCounter keyframeRequestsReceived;
    private final SingleWriterCounter nacksReceived;
    private final SingleWriterCounter upstreamNacks;
    private final SingleWriterCounter upstreamLost;
    /** The upstream video loss of the broadcasters before the current one (its pipeline counts its own). Media loop. */
    private long upstreamLostBefore;

    /**
     * @param sourceAddress       the address the groups' packets come from (for source-specific joins)
     * @param firstSequenceNumber the first multicast sequence number of each track, -1 for a random one
     *                            (tests set one near the wrap)
     * @param counters            the process's table, where the stream's series go (closed with the stream)
     */
    public StreamIngest(StreamConfig config, GroupPublisher publisher, EventLoop loop, String feedbackAddress,
                        String sourceAddress, SecureRandom random, int firstSequenceNumber, CounterTable counters) {
        this.sourceAddress = sourceAddress;
        this.receiveBitrate = counters.counter(IngestCounters.RECEIVE_BITRATE, config.name());
        this.packetsForwarded = counters.counter(IngestCounters.PACKETS_FORWARDED, config.name());
        this.upstreamLost = counters.counter(IngestCounters.UPSTREAM_LOST, config.name());
        this.upstreamNacks = counters.counter(IngestCounters.UPSTREAM_NACKS, config.name());
        this.nacksReceived = counters.counter(IngestCounters.NACKS_RECEIVED, config.name());
        this.keyframeRequestsReceived = counters.counter(IngestCounters.KEYFRAME_REQUESTS_RECEIVED, config.name());
        this.keyframeRequestsSent = counters.counter(IngestCounters.KEYFRAME_REQUESTS_SENT, config.name());
        this.keyframeRequestsDeferred = counters.counter(IngestCounters.KEYFRAME_REQUESTS_DEFERRED, config.name());
        this.config = config;
        this.publisher = publisher;
        this.loop = loop;
        this.feedbackAddress = feedbackAddress;
        this.video = new TrackRewriter(random.nextInt() & 0xFFFFFFFFL, 90000,
                firstSequenceNumber >= 0 ? firstSequenceNumber : random.nextInt(0x8000), random.nextInt());
        this.audio = new TrackRewriter(random.nextInt() & 0xFFFFFFFFL, 48000,
                firstSequenceNumber >= 0 ? firstSequenceNumber : random.nextInt(0x8000), random.nextInt());
        this.rtcpSsrc = random.nextInt() & 0xFFFFFFFFL;
        this.reportTimer = dev.lancast.rtc.limits.PeriodicTask.schedule(loop, "reports of stream " + config.name(), LOG, this::sendReports,
                1, 1, TimeUnit.SECONDS);
        this.lossTimer = dev.lancast.rtc.limits.PeriodicTask.schedule(loop, "upstream repairs of stream " + config.name(), LOG,
                this::requestUpstreamRepairs, 5, 5, TimeUnit.MILLISECONDS);
    }

    public String name() {
        return config.name();
    }

    public StreamConfig config() {
        return config;
    }

    public long videoSsrc() {
        return video.outSsrc();
    }

    public boolean ownsSsrc(long ssrc) {
        return ssrc == video.outSsrc() || ssrc == audio.outSsrc();
    }

    /** A gateway missed this packet of the group: resend it to that gateway alone. Media loop. */
    public void retransmit(long ssrc, int seq, InetSocketAddress gateway, DatagramChannel via) {
        nacksReceived.increment();
        publisher.retransmit(ssrc == video.outSsrc(), seq, gateway, via);
    }

    public boolean isLive() {
        PeerConnection pc = broadcaster;
        return pc != null && pc.state() == PeerConnection.State.CONNECTED;
    }

    public PeerConnection broadcaster() {
        return broadcaster;
    }

    /**
     * Applies a reloaded config of this stream: tokens and maxBitrate at once; new groups, TTL or
     * DSCP through the senders the caller made (null when they did not change). Viewers' sessions
     * at the gateways stay: they follow the catalog to the new groups.
     */
    public void reconfigure(StreamConfig next, MulticastSender video, MulticastSender audio, String source)
            throws InterruptedException, java.util.concurrent.ExecutionException {
        config = next;
        sourceAddress = source;
        if (video != null) {
            for (MulticastSender old : loop.submit(() -> publisher.retarget(video, audio)).get()) {
                old.close();
            }
        }
    }

    /**
     * A new authenticated broadcaster replaces the current one (RFC 9725 leaves this to us), but
     * only once its session connects: a POST whose peer never completes ICE and DTLS (a dead offer,
     * or a token holder's mistake) leaves the live broadcaster on air. A newer POST before that
     * replaces the waiting one.
     */
    public void attach(PeerConnection pc, IngestCodecs negotiated) {
        loop.execute(() -> {
            PeerConnection waiting = pending;
            pending = pc;
            pendingCodecs = negotiated;
            if (waiting != null && waiting != pc) {
                waiting.close("replaced by a newer WHIP session before it connected");
            }
            LOG.info("stream {}: broadcaster session {} attached; it takes over once connected", config.name(),
                    SessionIds.forLog(pc.id()));
        });
    }

    private void takeOver(PeerConnection pc) {
        assert loop.inEventLoop();
        PeerConnection old = broadcaster;
        broadcaster = pc;
        codecs = pendingCodecs;
        // A new session's statistics, loss detection and sender reports start afresh; the rewriters go on.
        if (pipelines != null) {
            upstreamLostBefore += pipelines.videoNacks.loss().lost();
        }
        pipelines = pendingCodecs == null ? null
                : IngestPipelines.assemble(pendingCodecs, video, audio, java.util.concurrent.ThreadLocalRandom.current());
        pending = null;
        pendingCodecs = null;
        keyframeTat = System.nanoTime(); // a new encoder: its keyframe budget starts afresh
        if (old != null && old != pc) {
            old.close("replaced by a new WHIP session");
        }
    }

    @Override
    public void onConnected(PeerConnection pc) {
        Runnable connect = () -> {
            if (pc != pending) {
                return; // replaced while it connected
            }
            takeOver(pc);
            LOG.info("stream {}: live (session {})", config.name(), SessionIds.forLog(pc.id()));
            requestKeyframe();
        };
        // At once when on the media loop, so not one of the new session's first packets is dropped.
        if (loop.inEventLoop()) {
            connect.run();
        } else {
            loop.execute(connect);
        }
    }

    @Override
    public void onClosed(PeerConnection pc, String reason) {
        loop.execute(() -> {
            if (pending == pc) {
                pending = null;
                pendingCodecs = null;
                LOG.info("stream {}: waiting broadcaster session {} closed before it connected ({})", config.name(),
                        SessionIds.forLog(pc.id()), reason);
            }
            if (broadcaster == pc) {
                broadcaster = null;
                LOG.info("stream {}: broadcaster left ({})", config.name(), reason);
            }
        });
    }

    @Override
    public void onRtp(PeerConnection pc, byte[] buf, int off, int len) {
        assert loop.inEventLoop();
        IngestPipelines p = pipelines;
        if (pc != broadcaster || p == null || !rtp.wrap(buf, off, len)) {
            return;
        }
        TrackPipeline track = p.forPayloadType(rtp.payloadType());
        if (track == null) {
            return;
        }
        bytesReceived += len;
        if (track.onRtp(rtp, System.nanoTime())) {
            publisher.publishRtp(track.track().isVideo(), rtp.buffer(), rtp.offset(), rtp.length());
            packetsForwarded.increment();
        }
    }

    @Override
    public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {
        assert loop.inEventLoop();
        IngestPipelines p = pipelines;
        if (pc != broadcaster || p == null || !rtcp.wrap(buf, off, len)) {
            return;
        }
        while (rtcp.next()) {
            if (rtcp.packetType() == 200) {
                long now = System.nanoTime();
                if (!relaySenderReport(true, p.videoReports, now)) {
                    relaySenderReport(false, p.audioReports, now);
                }
            }
        }
    }

    /**
     * Relays the broadcaster's NTP/RTP mapping on the group, in the stream's timeline, so viewers
     * can keep audio and video in sync; false when the report is not this track's source's.
     */
    private boolean relaySenderReport(boolean isVideo, SenderReportTap tap, long now) {
        if (!tap.onSenderReport(rtcp.senderSsrc(), rtcp.srNtpTimestamp(), rtcp.srRtpTimestamp(), now)) {
            return false;
        }
        TrackRewriter track = isVideo ? video : audio;
        int n = RtcpWriter.writeSenderReport(rtcpOut, 0, track.outSsrc(), tap.ntp(), tap.rtpTimestamp(), tap.packets(),
                tap.octets());
        publisher.publishRtcp(isVideo, rtcpOut, 0, n);
        return true;
    }

    /**
     * Asks the broadcaster for a keyframe, at most once per keyframeIntervalMs however many gateways
     * ask, and over time at most once per 5 x keyframeIntervalMs (after a burst of 3); a request
     * beyond that waits and is merged with the others meanwhile.
     */
    public void requestKeyframe() {
        loop.execute(() -> {
            keyframeRequestsReceived.increment();
            if (keyframeRequestPending) {
                return;
            }
            long now = System.nanoTime();
            long sustained = sustainedKeyframeIntervalNanos();
            long earliest = Math.max(lastKeyframeRequestNanos + TimeUnit.MILLISECONDS.toNanos(config.keyframeIntervalMs()),
                    keyframeTat - (KEYFRAME_BURST - 1) * sustained);
            long wait = earliest - now;
            if (wait > 0 && earliest > lastKeyframeRequestNanos + TimeUnit.MILLISECONDS.toNanos(config.keyframeIntervalMs())) {
                keyframeRequestsDeferred.increment(); // held back by the sustained budget, not just the interval
            }
            if (wait <= 0) {
                sendPli();
            } else {
                keyframeRequestPending = true;
                loop.schedule(() -> {
                    keyframeRequestPending = false;
                    sendPli();
                }, wait, TimeUnit.NANOSECONDS);
            }
        });
    }

    private void sendPli() {
        PeerConnection pc = broadcaster;
        if (pc == null || pc.state() != PeerConnection.State.CONNECTED || video.inSsrc() < 0) {
            return;
        }
        lastKeyframeRequestNanos = System.nanoTime();
        keyframeTat = Math.max(keyframeTat, lastKeyframeRequestNanos) + sustainedKeyframeIntervalNanos();
        keyframeRequestsSent.increment();
        int n = RtcpWriter.writePli(rtcpOut, 0, rtcpSsrc, video.inSsrc());
        pc.writeRtcp(rtcpOut, 0, n);
        pc.flush();
    }

    private void requestUpstreamRepairs() {
        assert loop.inEventLoop();
        PeerConnection pc = broadcaster;
        IngestPipelines p = pipelines;
        if (pc == null || p == null || pc.state() != PeerConnection.State.CONNECTED) {
            return;
        }
        if (p.video != null) {
            p.video.tick(System.nanoTime(), feedback);
        }
        // The loss stage counts for itself; its count goes to the table from here, every 5 ms.
        upstreamLost.set(upstreamLostBefore + p.videoNacks.loss().lost());
    }

    /** Once a second: receiver reports and the REMB that tells the encoder how far it may go. */
    private void sendReports() {
        assert loop.inEventLoop();
        receiveBitrate.set((bytesReceived - bytesAtLastReport) * 8);
        bytesAtLastReport = bytesReceived;
        PeerConnection pc = broadcaster;
        IngestPipelines p = pipelines;
        if (pc == null || p == null || pc.state() != PeerConnection.State.CONNECTED) {
            return;
        }
        long now = System.nanoTime();
        feedback.blockCount = 0;
        if (p.video != null) {
            p.video.report(now, feedback);
        }
        if (p.audio != null) {
            p.audio.report(now, feedback);
        }
        ReportBlock[] blocks = Arrays.copyOf(feedback.blocks, feedback.blockCount);
        int n = RtcpWriter.writeReceiverReport(rtcpOut, 0, rtcpSsrc, blocks);
        long[] ssrcs = new long[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            ssrcs[i] = blocks[i].ssrc();
        }
        n += RtcpWriter.writeRemb(rtcpOut, n, rtcpSsrc, config.maxBitrate(), ssrcs);
        pc.writeRtcp(rtcpOut, 0, n);
        pc.flush();
    }

    /** The broadcaster's session as the tracks' feedback port: NACKs at once, report blocks for the next RR. */
    private final class BroadcasterFeedback implements FeedbackPort {
        final ReportBlock[] blocks = new ReportBlock[2];
        int blockCount;

        @Override
        public void nack(Track track, long mediaSsrc, int[] seqs, int count) {
            PeerConnection pc = broadcaster;
            int len = RtcpWriter.writeNack(rtcpOut, 0, rtcpSsrc, mediaSsrc, seqs, count);
            pc.writeRtcp(rtcpOut, 0, len);
            pc.flush();
            upstreamNacks.add(count);
        }

        @Override
        public void keyframeRequest(Track track, long mediaSsrc) {
            requestKeyframe(); // the stream's keyframe budget decides when
        }

        @Override
        public void reportBlock(Track track, ReportBlock block) {
            if (blockCount < blocks.length) {
                blocks[blockCount++] = block;
            }
        }
    }

    /** @param viewerTokenKey the bridge's secret that viewer tokens are published MACed with */
    public StreamCatalog.Stream catalogEntry(int keyId, byte[] viewerTokenKey) {
        IngestCodecs c = codecs;
        boolean live = isLive();
        var v = c == null ? null : c.video();
        var a = c == null ? null : c.audio();
        var tracks = List.of(
                new StreamCatalog.Track("video", live && v != null ? v.rtpMap().encoding() : null,
                        c == null ? IngestCodecs.MULTICAST_PT_VP8 : c.multicastVideoPt(), 90000, 1,
                        v == null ? null : v.fmtp(), video.outSsrc(), config.video().group(), config.video().port(),
                        config.ssm() ? sourceAddress : null),
                new StreamCatalog.Track("audio", live && a != null ? a.rtpMap().encoding() : null,
                        IngestCodecs.MULTICAST_PT_OPUS, 48000, a == null ? 2 : a.rtpMap().channels(),
                        a == null ? null : a.fmtp(), audio.outSsrc(), config.audio().group(), config.audio().port(),
                        config.ssm() ? sourceAddress : null));
        var viewers = config.viewers();
        return new StreamCatalog.Stream(config.name(), live, keyId, feedbackAddress, tracks,
                viewers == null ? null : dev.lancast.rtc.catalog.ViewerAccess.of(viewers.tokens(), viewers.subnets(),
                        viewerTokenKey));
    }

    /** Runs of this stream's periodic tasks that threw (each is logged, and the task goes on). */
    public long taskFailures() {
        return reportTimer.failures() + lossTimer.failures();
    }

    private long sustainedKeyframeIntervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(5L * config.keyframeIntervalMs());
    }

    /** Requests that waited for the sustained keyframe budget (each then went out merged with others). Any thread. */
    public long keyframeRequestsDeferred() {
        return keyframeRequestsDeferred.get();
    }

    public long keyframeRequestsSent() {
        return keyframeRequestsSent.get();
    }

    public long keyframeRequestsReceived() {
        return keyframeRequestsReceived.get();
    }

    public long nacksReceived() {
        return nacksReceived.get();
    }

    /** Bits per second received from the broadcaster over the last second. Any thread. */
    public long receiveBitrate() {
        return receiveBitrate.get();
    }

    public GroupPublisher publisher() {
        return publisher;
    }

    @Override
    public void close() {
        reportTimer.cancel();
        lossTimer.cancel();
        PeerConnection pc = broadcaster;
        if (pc != null) {
            pc.close("bridge shutting down");
        }
        publisher.close();
        // The stream's series leave the table (a stream removed by a reload disappears from /metrics).
        for (SingleWriterCounter c : List.of(receiveBitrate, packetsForwarded, upstreamLost, upstreamNacks, nacksReceived,
                keyframeRequestsReceived, keyframeRequestsSent, keyframeRequestsDeferred)) {
            c.close();
        }
    }
}
