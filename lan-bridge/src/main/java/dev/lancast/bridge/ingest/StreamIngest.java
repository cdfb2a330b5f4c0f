package dev.lancast.bridge.ingest;

import dev.lancast.bridge.config.BridgeConfig.StreamConfig;
import dev.lancast.bridge.config.BridgeConfig.TrackGroup;
import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.catalog.ViewerAccess;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.limits.PeriodicTask;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.peer.SessionIds;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;
import dev.lancast.rtc.sdp.CodecMatch;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream at the bridge: the current broadcaster's session, the rewriting that keeps the
 * multicast stream continuous across broadcasters, the RTCP we owe the broadcaster
 * ({@link BroadcasterRtcp}, {@link KeyframeBudget}) and the publisher that sends everything once
 * to the groups. Each packet takes its track's pipeline ({@link IngestPipelines}) and ends at the
 * {@link GroupPublisher}; media methods run on the media event loop and assert it.
 */
public final class StreamIngest implements PeerConnection.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamIngest.class);
    /** Keyframe requests the stream's sustained budget lets through at once ({@link KeyframeBudget}). */
    public static final int KEYFRAME_BURST = KeyframeBudget.BURST;

    private volatile StreamConfig config;
    private final GroupPublisher publisher;
    private final EventLoop loop;
    private final LongSupplier clock;
    private final String feedbackAddress;
    private volatile String sourceAddress;
    /** By {@link Track.Kind} ordinal: the stream's SSRC, numbering and timeline of each track, for its life. */
    private final TrackRewriter[] out = new TrackRewriter[Track.Kind.COUNT];
    private final RtpPacket rtp = new RtpPacket();
    private final RtcpPacket rtcp = new RtcpPacket();
    /** A sender report (28 bytes) relayed to the group. */
    private final byte[] srOut = new byte[64];
    private final PeriodicTask reportTimer;
    private final PeriodicTask lossTimer;
    private final PeriodicTask beaconTimer;
    private final long[] ssrcs = new long[Track.Kind.COUNT];
    private final BroadcasterRtcp upstream;
    private final KeyframeBudget keyframes;
    /** The current broadcaster's track pipelines, made when it takes over; null before. Media loop only. */
    private IngestPipelines pipelines;
    private long bytesReceived;
    private long bytesAtLastReport;
    private volatile PeerConnection broadcaster;
    /** A new WHIP session that has not connected yet, with its codecs; it takes over once it connects. Media loop. */
    private PeerConnection pending;
    private IngestCodecs pendingCodecs;
    private volatile IngestCodecs codecs;
    private boolean keyframeRequestPending;
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
     * @param clock               the media loop's time in nanoseconds
     * @param counters            the process's table, where the stream's series go (closed with the stream)
     */
    public StreamIngest(StreamConfig config, GroupPublisher publisher, EventLoop loop, String feedbackAddress,
                        String sourceAddress, SecureRandom random, int firstSequenceNumber, LongSupplier clock,
                        CounterTable counters) {
        String name = config.name();
        this.receiveBitrate = counters.counter(IngestCounters.RECEIVE_BITRATE, name);
        this.packetsForwarded = counters.counter(IngestCounters.PACKETS_FORWARDED, name);
        this.upstreamLost = counters.counter(IngestCounters.UPSTREAM_LOST, name);
        this.upstreamNacks = counters.counter(IngestCounters.UPSTREAM_NACKS, name);
        this.nacksReceived = counters.counter(IngestCounters.NACKS_RECEIVED, name);
        this.keyframeRequestsReceived = counters.counter(IngestCounters.KEYFRAME_REQUESTS_RECEIVED, name);
        this.keyframeRequestsSent = counters.counter(IngestCounters.KEYFRAME_REQUESTS_SENT, name);
        this.keyframeRequestsDeferred = counters.counter(IngestCounters.KEYFRAME_REQUESTS_DEFERRED, name);
        this.config = config;
        this.publisher = publisher;
        this.loop = loop;
        this.clock = clock;
        this.feedbackAddress = feedbackAddress;
        this.sourceAddress = sourceAddress;
        for (Track.Kind kind : Track.Kind.values()) {
            out[kind.ordinal()] = new TrackRewriter(random.nextInt() & 0xFFFFFFFFL, kind.clockRate(),
                    firstSequenceNumber >= 0 ? firstSequenceNumber : random.nextInt(0x8000), random.nextInt());
            ssrcs[kind.ordinal()] = out[kind.ordinal()].outSsrc();
        }
        this.upstream = new BroadcasterRtcp(random.nextInt() & 0xFFFFFFFFL, this::requestKeyframe, upstreamNacks);
        this.keyframes = new KeyframeBudget(config.keyframeIntervalMs(), clock.getAsLong());
        this.reportTimer = PeriodicTask.schedule(loop, "reports of stream " + name, LOG, this::sendReports, 1, 1,
                TimeUnit.SECONDS);
        this.lossTimer = PeriodicTask.schedule(loop, "upstream repairs of stream " + name, LOG,
                this::requestUpstreamRepairs, 5, 5, TimeUnit.MILLISECONDS);
        // Live or idle, every group carries an authenticated packet this often: a gateway's silence means no path.
        this.beaconTimer = PeriodicTask.schedule(loop, "beacons of stream " + name, LOG, () -> publisher.beacon(ssrcs),
                0, GroupPublisher.BEACON_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    public String name() {
        return config.name();
    }

    public StreamConfig config() {
        return config;
    }

    /** The stream's multicast SSRC of a track (fixed for the bridge's life). */
    public long ssrc(Track.Kind kind) {
        return out[kind.ordinal()].outSsrc();
    }

    /** The kind of the stream's track with this multicast SSRC, or null. */
    public Track.Kind kindOf(long ssrc) {
        for (Track.Kind kind : Track.Kind.values()) {
            if (ssrc(kind) == ssrc) {
                return kind;
            }
        }
        return null;
    }

    /** A gateway missed these packets of a track of the group: resend them to that gateway alone. Media loop. */
    public void retransmit(Track.Kind kind, int[] seqs, InetSocketAddress gateway, DatagramChannel via) {
        assert loop.inEventLoop();
        for (int seq : seqs) {
            nacksReceived.increment();
            publisher.retransmit(kind, seq, gateway, via);
        }
        via.flush();
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
            throws InterruptedException, ExecutionException {
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
        loop.execute(() -> hold(pc, negotiated));
    }

    private void hold(PeerConnection pc, IngestCodecs negotiated) {
        PeerConnection waiting = pending;
        pending = pc;
        pendingCodecs = negotiated;
        if (waiting != null && waiting != pc) {
            waiting.close("replaced by a newer WHIP session before it connected");
        }
        LOG.info("stream {}: broadcaster session {} attached; it takes over once connected", config.name(),
                SessionIds.forLog(pc.id()));
    }

    private void takeOver(PeerConnection pc) {
        assert loop.inEventLoop();
        PeerConnection old = broadcaster;
        broadcaster = pc;
        upstream.use(pc);
        codecs = pendingCodecs;
        // A new session's statistics, loss detection and sender reports start afresh; the rewriters go
        // on, from a new base even if the new session kept the old one's SSRC (its numbers start anew).
        if (pipelines != null) {
            upstreamLostBefore += pipelines.videoNacks.loss().lost();
        }
        for (TrackRewriter r : out) {
            r.forceRebase();
        }
        pipelines = pendingCodecs == null ? null : IngestPipelines.assemble(pendingCodecs, k -> out[k.ordinal()],
                publisher::index, ThreadLocalRandom.current());
        pending = null;
        pendingCodecs = null;
        keyframes.reset(clock.getAsLong()); // a new encoder: its keyframe budget starts afresh
        if (old != null && old != pc) {
            old.close("replaced by a new WHIP session");
        }
    }

    @Override
    public void onConnected(PeerConnection pc) {
        // At once when on the media loop, so not one of the new session's first packets is dropped.
        if (loop.inEventLoop()) {
            connected(pc);
        } else {
            loop.execute(() -> connected(pc));
        }
    }

    private void connected(PeerConnection pc) {
        if (pc != pending) {
            return; // replaced while it connected
        }
        takeOver(pc);
        LOG.info("stream {}: live (session {})", config.name(), SessionIds.forLog(pc.id()));
        requestKeyframe();
    }

    @Override
    public void onClosed(PeerConnection pc, String reason) {
        loop.execute(() -> closed(pc, reason));
    }

    private void closed(PeerConnection pc, String reason) {
        if (pending == pc) {
            pending = null;
            pendingCodecs = null;
            LOG.info("stream {}: waiting broadcaster session {} closed before it connected ({})", config.name(),
                    SessionIds.forLog(pc.id()), reason);
        }
        if (broadcaster == pc) {
            broadcaster = null;
            upstream.use(null);
            LOG.info("stream {}: broadcaster left ({})", config.name(), reason);
        }
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
        if (track.onRtp(rtp, clock.getAsLong())) {
            publisher.publishRtp(track.track().kind(), rtp);
            packetsForwarded.increment();
        }
    }

    /**
     * The broadcaster's sender reports are relayed on the group in the stream's timeline, so viewers
     * can keep audio and video in sync.
     */
    @Override
    public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {
        assert loop.inEventLoop();
        IngestPipelines p = pipelines;
        if (pc != broadcaster || p == null || !rtcp.wrap(buf, off, len)) {
            return;
        }
        long now = clock.getAsLong();
        while (rtcp.next()) {
            if (rtcp.packetType() != RtcpPacket.SR) {
                continue;
            }
            for (TrackPipeline t : p.all()) {
                if (t != null && t.onSenderReport(rtcp.senderSsrc(), rtcp.srNtpTimestamp(), rtcp.srRtpTimestamp(), now)) {
                    TrackRewriter r = out[t.track().kind().ordinal()];
                    int n = RtcpWriter.writeSenderReport(srOut, 0, r.outSsrc(), rtcp.srNtpTimestamp(),
                            r.translateTimestamp(rtcp.srRtpTimestamp()), r.packets(), r.octets());
                    publisher.publishRtcp(t.track().kind(), srOut, 0, n);
                    break;
                }
            }
        }
    }

    /**
     * Asks the broadcaster for a keyframe, at most as the stream's {@link KeyframeBudget} allows
     * however many gateways ask; a request beyond that waits and is merged with the others meanwhile.
     */
    public void requestKeyframe() {
        loop.execute(this::keyframeRequested);
    }

    private void keyframeRequested() {
        keyframeRequestsReceived.increment();
        if (keyframeRequestPending) {
            return;
        }
        long now = clock.getAsLong();
        long wait = keyframes.waitNanos(now);
        if (keyframes.heldBySustainedBudget(wait, now)) {
            keyframeRequestsDeferred.increment();
        }
        if (wait == 0) {
            sendPli();
        } else {
            keyframeRequestPending = true;
            loop.schedule(this::sendDeferredPli, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void sendDeferredPli() {
        keyframeRequestPending = false;
        sendPli();
    }

    private void sendPli() {
        if (upstream.sendPli(out[Track.Kind.VIDEO.ordinal()].inSsrc())) {
            keyframes.sent(clock.getAsLong());
            keyframeRequestsSent.increment();
        }
    }

    private void requestUpstreamRepairs() {
        assert loop.inEventLoop();
        IngestPipelines p = pipelines;
        if (!isLive() || p == null || p.of(Track.Kind.VIDEO) == null) {
            return;
        }
        p.of(Track.Kind.VIDEO).tick(clock.getAsLong(), upstream);
        // The loss stage counts for itself; its count goes to the table from here, every 5 ms.
        upstreamLost.set(upstreamLostBefore + p.videoNacks.loss().lost());
    }

    /** Once a second: the receive bitrate, and the receiver reports and REMB that tell the encoder how far it may go. */
    private void sendReports() {
        assert loop.inEventLoop();
        receiveBitrate.set((bytesReceived - bytesAtLastReport) * 8);
        bytesAtLastReport = bytesReceived;
        IngestPipelines p = pipelines;
        if (p != null) {
            upstream.sendReports(p.all(), config.maxBitrate(), clock.getAsLong());
        }
    }

    /** @param viewerTokenKey the bridge's secret that viewer tokens are published MACed with */
    public StreamCatalog.Stream catalogEntry(int keyId, byte[] viewerTokenKey) {
        IngestCodecs c = codecs;
        boolean live = isLive();
        List<StreamCatalog.Track> tracks = new ArrayList<>();
        for (Track.Kind kind : Track.Kind.values()) {
            CodecMatch codec = c == null ? null : c.of(kind);
            TrackGroup group = kind == Track.Kind.VIDEO ? config.video() : config.audio();
            int defaultChannels = kind == Track.Kind.VIDEO ? 1 : 2;
            tracks.add(new StreamCatalog.Track(kind.label(), live && codec != null ? codec.rtpMap().encoding() : null,
                    (c == null ? IngestCodecs.NONE : c).multicastPt(kind), kind.clockRate(),
                    codec == null || kind == Track.Kind.VIDEO ? defaultChannels : codec.rtpMap().channels(),
                    codec == null ? null : codec.fmtp(), ssrc(kind), group.group(), group.port(),
                    config.ssm() ? sourceAddress : null));
        }
        var viewers = config.viewers();
        return new StreamCatalog.Stream(config.name(), live, keyId, feedbackAddress, tracks,
                viewers == null ? null : ViewerAccess.of(viewers.tokens(), viewers.subnets(), viewers.origins(),
                        viewerTokenKey));
    }

    /** Runs of this stream's periodic tasks that threw (each is logged, and the task goes on). */
    public long taskFailures() {
        return reportTimer.failures() + lossTimer.failures() + beaconTimer.failures();
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
        beaconTimer.cancel();
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
