package dev.lancast.bridge.ingest;

import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.limits.PeriodicTask;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.peer.SessionIds;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream at the bridge: the current broadcaster's session (a new one takes over once it
 * connects: {@link BroadcasterHandover}), its media path ({@link IngestPath}: the rewriting that keeps the multicast stream
 * continuous across broadcasters, each track slot's pipeline), the RTCP we owe the broadcaster
 * ({@link BroadcasterRtcp}, per-layer keyframe requests: {@link LayerKeyframes}) and the publisher
 * that sends everything once to the groups ({@link GroupPublisher}); media methods run on the
 * media event loop and assert it.
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
    /** The stream's SSRCs, numbering and timeline, and the current broadcaster's pipelines. */
    private final IngestPath path;

    private final PeriodicTask reportTimer;
    private final PeriodicTask lossTimer;
    private final PeriodicTask beaconTimer;
    /** The stream's SSRC of each track slot, for the beacons. */
    private final long[] ssrcs = new long[Track.SLOTS];

    private final BroadcasterRtcp upstream;
    private final LayerKeyframes keyframes;
    /** The session on air, and the one waiting to take over. */
    private final BroadcasterHandover handover;
    /** The stream's series in the process's counter table. */
    private final IngestCounters counts;

    /**
     * @param sourceAddress       the address the groups' packets come from (for source-specific joins)
     * @param firstSequenceNumber the first multicast sequence number of each track, -1 for a random one
     *                            (tests set one near the wrap)
     * @param clock               the media loop's time in nanoseconds
     * @param counters            the process's table, where the stream's series go (closed with the stream)
     */
    public StreamIngest(
            StreamConfig config,
            GroupPublisher publisher,
            EventLoop loop,
            String feedbackAddress,
            String sourceAddress,
            SecureRandom random,
            int firstSequenceNumber,
            LongSupplier clock,
            CounterTable counters) {
        String name = config.name();
        this.counts = new IngestCounters(counters, name);
        this.config = config;
        this.publisher = publisher;
        this.loop = loop;
        this.clock = clock;
        this.feedbackAddress = feedbackAddress;
        this.sourceAddress = sourceAddress;
        this.path = new IngestPath(
                name,
                publisher,
                random,
                firstSequenceNumber,
                counts.receiveBitrate,
                counts.packetsForwarded,
                counts.upstreamLost);
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            ssrcs[slot] = path.ssrc(slot);
        }
        this.upstream =
                new BroadcasterRtcp(random.nextInt() & 0xFFFFFFFFL, this::requestKeyframe, counts.upstreamNacks);
        this.keyframes = new LayerKeyframes(
                loop,
                clock,
                config.keyframeIntervalMs(),
                this::sendPli,
                counts.keyframeRequestsReceived,
                counts.keyframeRequestsSent,
                counts.keyframeRequestsDeferred);
        this.handover = new BroadcasterHandover(name, LOG, loop, upstream, path, keyframes);
        this.reportTimer = PeriodicTask.schedule(
                loop, "reports of stream " + name, LOG, this::sendReports, 1, 1, TimeUnit.SECONDS);
        this.lossTimer = PeriodicTask.schedule(
                loop,
                "upstream repairs of stream " + name,
                LOG,
                this::requestUpstreamRepairs,
                5,
                5,
                TimeUnit.MILLISECONDS);
        // Live or idle, every group carries an authenticated packet this often: a gateway's silence means no path.
        this.beaconTimer = PeriodicTask.schedule(
                loop,
                "beacons of stream " + name,
                LOG,
                () -> publisher.beacon(ssrcs),
                0,
                GroupPublisher.BEACON_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
    }

    public String name() {
        return config.name();
    }

    public StreamConfig config() {
        return config;
    }

    /** The stream's multicast SSRC of a track slot (fixed for the bridge's life). */
    public long ssrc(int slot) {
        return path.ssrc(slot);
    }

    /** The stream's multicast SSRC of a kind's first track (audio, video layer 0). */
    public long ssrc(Track.Kind kind) {
        return ssrc(Track.slotOf(kind, 0));
    }

    /** The slots of the stream's tracks (every layer the config gives it, and audio). */
    public int[] slots() {
        int layers = config.layers().count();
        int[] slots = new int[layers + 1];
        for (int layer = 0; layer < layers; layer++) {
            slots[layer] = Track.slotOf(Track.Kind.VIDEO, layer);
        }
        slots[layers] = Track.AUDIO_SLOT;
        return slots;
    }

    /** The slot of the stream's track with this multicast SSRC, or -1. */
    public int slotOf(long ssrc) {
        for (int slot : slots()) {
            if (ssrc(slot) == ssrc) {
                return slot;
            }
        }
        return -1;
    }

    /** A gateway's keyframe request naming one of the stream's multicast SSRCs: for that video layer. Any thread. */
    public void keyframeRequested(long mediaSsrc) {
        int slot = slotOf(mediaSsrc);
        if (slot >= 0 && slot != Track.AUDIO_SLOT) {
            requestKeyframe(Track.layerOfSlot(slot));
        }
    }

    /** A gateway's NACK of packets of the track with this multicast SSRC: resent on the media loop. Any thread. */
    public void nacked(long mediaSsrc, int[] seqs, int count, InetSocketAddress gateway, DatagramChannel via) {
        int slot = slotOf(mediaSsrc);
        if (slot >= 0) {
            int[] asked = Arrays.copyOf(seqs, count);
            loop.execute(() -> retransmit(slot, asked, gateway, via));
        }
    }

    /** A gateway missed these packets of a track of the group: resend them to that gateway alone. Media loop. */
    public void retransmit(int slot, int[] seqs, InetSocketAddress gateway, DatagramChannel via) {
        assert loop.inEventLoop();
        for (int seq : seqs) {
            counts.nacksReceived.increment();
            publisher.retransmit(slot, seq, gateway, via);
        }
        via.flush();
    }

    public boolean isLive() {
        PeerConnection pc = handover.broadcaster();
        return pc != null && pc.state() == PeerConnection.State.CONNECTED;
    }

    public PeerConnection broadcaster() {
        return handover.broadcaster();
    }

    /**
     * Applies a reloaded config of this stream: tokens and maxBitrate at once; new groups, TTL,
     * DSCP or layers through the senders the caller made, by slot (null when they did not change).
     * Viewers' sessions at the gateways stay: they follow the catalog to the new groups.
     */
    public void reconfigure(StreamConfig next, MulticastSender[] senders, String source)
            throws InterruptedException, ExecutionException {
        config = next;
        sourceAddress = source;
        if (senders != null) {
            for (MulticastSender old :
                    loop.submit(() -> publisher.retarget(senders)).get()) {
                if (old != null) {
                    old.close();
                }
            }
        }
    }

    /**
     * A new authenticated broadcaster replaces the current one once its session connects
     * ({@link BroadcasterHandover}). Any thread.
     */
    public void attach(PeerConnection pc, IngestCodecs negotiated) {
        loop.execute(() -> handover.hold(pc, negotiated));
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
        if (!handover.connected(pc)) {
            return; // replaced while it connected
        }
        LOG.info("stream {}: live (session {})", config.name(), SessionIds.forLog(pc.id()));
        for (int layer = 0; layer < config.layers().count(); layer++) {
            keyframes.request(layer);
        }
    }

    @Override
    public void onClosed(PeerConnection pc, String reason) {
        loop.execute(() -> handover.closed(pc, reason));
    }

    @Override
    public void onRtp(PeerConnection pc, byte[] buf, int off, int len) {
        assert loop.inEventLoop();
        if (pc == handover.broadcaster()) {
            path.onRtp(buf, off, len, clock.getAsLong());
        }
    }

    @Override
    public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {
        assert loop.inEventLoop();
        if (pc == handover.broadcaster()) {
            path.onRtcp(buf, off, len, clock.getAsLong());
        }
    }

    /**
     * Asks the broadcaster for a keyframe of a video layer (a gateway's PLI names the layer's SSRC),
     * at most as the layer's {@link KeyframeBudget} allows however many gateways ask; a request
     * beyond that waits and is merged with the others meanwhile. Any thread.
     */
    public void requestKeyframe(int layer) {
        if (layer < 0 || layer >= Track.MAX_LAYERS) {
            return;
        }
        if (loop.inEventLoop()) {
            keyframes.request(layer);
        } else {
            loop.execute(() -> keyframes.request(layer));
        }
    }

    /** A keyframe of the first (or only) video layer. */
    public void requestKeyframe() {
        requestKeyframe(0);
    }

    private boolean sendPli(int layer) {
        return upstream.sendPli(path.broadcasterSsrc(layer));
    }

    /** Every 5 ms: NACKs of upstream loss due now; every 50 ms the transport-wide congestion feedback. */
    private void requestUpstreamRepairs() {
        assert loop.inEventLoop();
        if (isLive()) {
            path.tick(clock.getAsLong(), upstream);
        }
    }

    /**
     * Once a second: the receive bitrate, the receiver reports and REMB that tell the encoder how
     * far it may go, and a keyframe for each layer that had none for the stream's refresh time.
     */
    private void sendReports() {
        assert loop.inEventLoop();
        path.report(clock.getAsLong(), upstream, config.maxBitrate());
        keyframes.refresh(
                path.pipelines(), config.layers().count(), config.layers().keyframeRefreshMs());
    }

    /** @param viewerTokenKey the bridge's secret that viewer tokens are published MACed with */
    public StreamCatalog.Stream catalogEntry(int keyId, byte[] viewerTokenKey) {
        return IngestCatalog.entry(
                config,
                handover.codecs(),
                isLive(),
                ssrcs.clone(),
                path.meters(),
                feedbackAddress,
                sourceAddress,
                keyId,
                viewerTokenKey);
    }

    /** Runs of this stream's periodic tasks that threw (each is logged, and the task goes on). */
    public long taskFailures() {
        return reportTimer.failures() + lossTimer.failures() + beaconTimer.failures();
    }

    /** Requests that waited for the sustained keyframe budget (each then went out merged with others). Any thread. */
    public long keyframeRequestsDeferred() {
        return counts.keyframeRequestsDeferred.get();
    }

    public long keyframeRequestsSent() {
        return counts.keyframeRequestsSent.get();
    }

    public long keyframeRequestsReceived() {
        return counts.keyframeRequestsReceived.get();
    }

    public long nacksReceived() {
        return counts.nacksReceived.get();
    }

    /** Bits per second received from the broadcaster over the last second. Any thread. */
    public long receiveBitrate() {
        return counts.receiveBitrate.get();
    }

    public GroupPublisher publisher() {
        return publisher;
    }

    @Override
    public void close() {
        reportTimer.cancel();
        lossTimer.cancel();
        beaconTimer.cancel();
        PeerConnection pc = handover.broadcaster();
        if (pc != null) {
            pc.close("bridge shutting down");
        }
        publisher.close();
        counts.close();
    }
}
