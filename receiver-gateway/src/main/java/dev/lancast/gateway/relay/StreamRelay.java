package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.limits.PeriodicTask;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.RolloverCounters;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream at the gateway, on its media loop: each group datagram takes
 * <pre>
 *   {@link RelayFront} (key, SSRC admission, SRTP open) -> the track's {@link RelayTrack} stages -> {@link Fanout}
 * </pre>
 * and the fan-out sends it to every viewer with the viewer's own SRTP keys on the media loop that
 * owns the viewer. Viewers see one SSRC, sequence space and timeline per track from this relay,
 * whatever happens upstream: when the bridge's stream changes (a restarted bridge: new SSRCs, new
 * numbers) the relay continues its own numbering and starts its loss detection, statistics and
 * keyframe caches again, and the viewers' sessions play on.
 *
 * <p>The control plane (catalog, keys, indexes, keyframe requests) reaches the loop only as named
 * commands ({@link #useKeys}, {@link #usePlan}, {@link #advanceIndexes}, {@link #askForKeyframe})
 * posted by the any-thread methods; loop-only methods assert it. Group memberships are the catalog
 * thread's ({@link GroupMembership}).
 */
public final class StreamRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);
    /** A repair may come a whole keyframe burst after its neighbours: a wide replay window. */
    private static final int REPLAY_WINDOW = 1024;

    private final String name;
    private final EventLoop loop;
    private final LongSupplier clock;
    private final RelayFront front;
    private final GroupMembership membership;
    private final ShardedFanout fanout;
    private final RelayFeedback feedback;
    /** Routes the bridge's unicast datagrams here by this stream's SSRCs; null where nothing is unicast (the benchmark). */
    private final RepairRouter repairs;
    private final RelayFront.Sink sink = new RelaySink();
    private final RtcpPacket rtcp = new RtcpPacket();
    private final PeriodicTask reportTimer;
    private final PeriodicTask lossTimer;
    /** By slot: made with the first plan naming the track. Media loop. */
    private final RelayTrack[] tracks = new RelayTrack[Track.Kind.COUNT];
    /**
     * By slot: the highest SRTP packet index known of each upstream track, from the bridge's
     * published index and from the packets authenticated here; a context made for a key mid-stream
     * starts at the ROC it gives. Here from the start: the first keys come before the first entry.
     */
    private final IndexTracking[] indexes = {new IndexTracking(), new IndexTracking()};
    private final RolloverCounters rocs = this::rolloverCounter;
    /** The viewers' SSRC of each track: the first entry's, for the relay's life; -1 before. Any thread. */
    private final long[] viewerSsrcs = {-1, -1};
    /** The tracks' loss and repair counts, published from their stages every 5 ms (the repair timer). */
    private final SingleWriterCounter lost;
    private final SingleWriterCounter repaired;
    private final SingleWriterCounter unrecovered;
    private final SingleWriterCounter nackedPackets;
    /** The catalog entry as the control plane reads it (WHEP, status); never read per packet. */
    private volatile StreamCatalog.Stream entry;
    /** The tracks of the entry as the media path needs them; replaced whole, on the media loop. */
    private volatile RelayPlan plan = RelayPlan.NONE;
    /** The key ids installed on the loop, for any thread to read (a new array per install). */
    private volatile boolean[] keyIds = new boolean[256];
    /** The bridge's secret that the catalog's viewer-token MACs are made with; null until keys come. */
    private volatile byte[] viewerTokenSecret;

    /**
     * @param repairs  where the bridge's unicast datagrams find this stream, by its SSRCs (the loop's); null for none
     * @param clock    the media loop's time, in nanoseconds (stages and timers take it as nowNanos)
     * @param counters the process's table, where this stream's series go (closed with the relay)
     */
    public StreamRelay(String name, EventLoops loops, EventLoop loop, NetworkInterface iface, ShardedFanout fanout,
                       FeedbackSender feedbackSender, RepairRouter repairs, CounterTable counters, LongSupplier clock) {
        this.name = name;
        this.repairs = repairs;
        this.loop = loop;
        this.clock = clock;
        this.fanout = fanout;
        this.front = new RelayFront(key -> new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(),
                REPLAY_WINDOW, rocs, Track.Kind.COUNT), counters, name);
        this.membership = new GroupMembership(name, loops, loop, iface, this::onDatagram);
        this.feedback = new RelayFeedback(feedbackSender);
        this.lost = counters.counter(RelayCounters.LOST, name);
        this.repaired = counters.counter(RelayCounters.REPAIRED, name);
        this.unrecovered = counters.counter(RelayCounters.UNRECOVERED, name);
        this.nackedPackets = counters.counter(RelayCounters.NACKED_PACKETS, name);
        this.reportTimer = PeriodicTask.schedule(loop, "reports of stream " + name, LOG, this::sendReports, 5, 5,
                TimeUnit.SECONDS);
        this.lossTimer = PeriodicTask.schedule(loop, "repairs of stream " + name, LOG, this::requestRepairs, 5, 5,
                TimeUnit.MILLISECONDS);
    }

    public String name() {
        return name;
    }

    public StreamCatalog.Stream entry() {
        return entry;
    }

    // --- Control plane: any thread; each posts one named command to the media loop. ---

    /**
     * Applies a catalog entry: the plan to the loop, and joins of the groups it names (again, if
     * they moved). The catalog thread's, never the media loop's: joining waits for the socket.
     */
    public void update(StreamCatalog.Stream next) {
        StreamCatalog.Stream previous = entry;
        RelayPlan compiled = take(next);
        if (compiled != null) {
            loop.execute(() -> usePlan(compiled));
        }
        membership.follow(previous, next);
    }

    /**
     * Takes a catalog entry without joining its groups, for a caller that feeds
     * {@link #onDatagram} itself on the media loop: the JMH fan-out benchmark (bench/jmh).
     */
    void useEntryWithoutJoining(StreamCatalog.Stream next) {
        RelayPlan compiled = take(next);
        if (compiled != null) {
            usePlan(compiled);
        }
    }

    /** The entry for the control plane at once; its plan, or null when nothing changed. */
    private synchronized RelayPlan take(StreamCatalog.Stream next) {
        if (next.equals(entry)) {
            return null; // the catalog is read every second; most reads change nothing
        }
        RelayPlan compiled = RelayPlan.of(next);
        for (int slot = 0; slot < viewerSsrcs.length; slot++) {
            if (viewerSsrcs[slot] < 0 && compiled.track(slot) != null) {
                viewerSsrcs[slot] = compiled.track(slot).ssrc();
            }
        }
        entry = next;
        return compiled;
    }

    /** Takes this stream's keys (another stream's key opens nothing here) and the published indexes. */
    public void updateKeys(GroupKeys keys) {
        viewerTokenSecret = keys.viewerTokenSecret();
        List<GroupKey> mine = keys.keys().stream().filter(k -> name.equals(k.stream()))
                .map(k -> GroupKey.fromHex(k.id(), k.material())).toList();
        List<GroupKeys.StreamIndex> published = keys.indexes();
        loop.execute(() -> useKeys(mine, published));
    }

    /** The bridge's latest packet index of each track. */
    public void updateIndexes(List<GroupKeys.StreamIndex> published) {
        loop.execute(() -> advanceIndexes(published));
    }

    /** Asks the bridge for a keyframe (a new viewer, or a viewer's PLI/FIR); at most 5 per second. */
    public void requestKeyframe() {
        loop.execute(this::askForKeyframe);
    }

    // --- Commands, on the media loop. ---

    /** The tracks from now on: a track's pipeline is made with the first plan naming it, later ones update it. */
    private void usePlan(RelayPlan next) {
        assert loop.inEventLoop();
        for (int slot = 0; slot < tracks.length; slot++) {
            Track t = next.track(slot);
            if (t == null) {
                continue;
            }
            if (tracks[slot] == null) {
                tracks[slot] = RelayTrack.assemble(t, indexes[slot], this::upstreamChanged);
            } else {
                tracks[slot].pipeline.use(t);
            }
        }
        if (repairs != null) {
            repairs.use(this, plan, next);
        }
        plan = next;
    }

    private void useKeys(List<GroupKey> streamKeys, List<GroupKeys.StreamIndex> published) {
        assert loop.inEventLoop();
        // The index first: a context made for a key mid-stream starts at the ROC it gives.
        advanceIndexes(published);
        front.useKeys(streamKeys);
        boolean[] ids = new boolean[256];
        streamKeys.forEach(k -> ids[k.id()] = true);
        keyIds = ids;
    }

    /** Needs no entry: the first keys reach a new relay before its entry and before its groups are joined. */
    private void advanceIndexes(List<GroupKeys.StreamIndex> published) {
        assert loop.inEventLoop();
        for (GroupKeys.StreamIndex i : published) {
            if (name.equals(i.stream())) {
                indexes[Track.Kind.of(i.kind()).ordinal()].advanceTo(i.ssrc(), i.index());
            }
        }
    }

    private void askForKeyframe() {
        assert loop.inEventLoop();
        feedback.requestKeyframe(plan.video(), clock.getAsLong());
    }

    // --- The media path, on the loop. ---

    /** A datagram of this stream's groups, or a unicast copy of one from the bridge. Media loop. */
    public void onDatagram(byte[] buf, int off, int len, InetSocketAddress sender) {
        assert loop.inEventLoop();
        front.onDatagram(buf, off, len, plan, sink);
    }

    /** What passes the front: media to the track's stages and on to the fan-out, sender reports to the tap. */
    private final class RelaySink implements RelayFront.Sink {
        @Override
        public void onRtp(int slot, RtpPacket rtp) {
            RelayTrack track = tracks[slot];
            long now = clock.getAsLong();
            if (track != null && track.pipeline.onRtp(rtp, now)) {
                fanout.onMedia(track.pipeline.track().kind(), rtp, now);
            }
        }

        @Override
        public void onRtcp(byte[] buf, int off, int len) {
            if (!rtcp.wrap(buf, off, len)) {
                return;
            }
            long now = clock.getAsLong();
            RelayPlan p = plan;
            while (rtcp.next()) {
                int slot = rtcp.packetType() == RtcpPacket.SR ? p.slotOf(rtcp.senderSsrc()) : -1;
                RelayTrack t = slot < 0 ? null : tracks[slot];
                if (t != null && t.pipeline.onSenderReport(rtcp.senderSsrc(), rtcp.srNtpTimestamp(),
                        rtcp.srRtpTimestamp(), now)) {
                    fanout.onSenderReport(t.pipeline.track().kind(), t.senderReports.ntp(), t.senderReports.rtpTimestamp());
                }
            }
        }
    }

    /**
     * The bridge's stream changed under this relay (it restarted: new SSRC and numbers): the
     * track's stages have dropped what they learnt of the old one and the viewers' numbering goes
     * on; the fan-out drops what it cached of the old source, and a new keyframe is asked for.
     */
    private void upstreamChanged(Track track, long was, long now, long nowNanos) {
        LOG.info("stream {}: the bridge's {} stream changed (SSRC {} -> {}); viewers continue on SSRC {}", name,
                track.kind().label(), was, now, tracks[track.kind().ordinal()].viewers.outSsrc());
        if (track.isVideo()) {
            askForKeyframe();
        }
        fanout.onUpstreamChanged(track.kind());
    }

    private int rolloverCounter(long ssrc, int seq) {
        for (IndexTracking index : indexes) {
            if (index.ssrc() == ssrc) {
                return index.rolloverCounter(seq);
            }
        }
        return 0;
    }

    /** Every 5 ms: the NACKs due to the bridge, and the loss counts to the table. */
    private void requestRepairs() {
        assert loop.inEventLoop();
        long now = clock.getAsLong();
        for (RelayTrack t : tracks) {
            if (t != null) {
                t.pipeline.tick(now, feedback);
            }
        }
        RelayTrack.publishLoss(tracks, lost, repaired, unrecovered, nackedPackets);
    }

    /** Every 5 s: the receiver report to the bridge (the viewers' sender reports are the shards'). */
    private void sendReports() {
        assert loop.inEventLoop();
        RelayTrack video = tracks[Track.Kind.VIDEO.ordinal()];
        if (video == null || video.reception.packetsReceived() == 0) {
            return;
        }
        long now = clock.getAsLong();
        feedback.startReport();
        for (RelayTrack t : tracks) {
            if (t != null) {
                t.pipeline.report(now, feedback);
            }
        }
        feedback.sendReport(video.pipeline.track());
    }

    // --- Status, for any thread. ---

    /** Viewers whose sessions are connected, on every media loop. */
    public int viewerCount() {
        return (int) fanout.sum(ViewerShard::viewerCount);
    }

    /** The fan-out of this stream over the media loops (viewers per loop, for status and tests). */
    public ShardedFanout fanout() {
        return fanout;
    }

    /** The shard that serves viewers whose sessions run on this media loop. */
    ViewerShard shardOf(EventLoop viewerLoop) {
        return fanout.shardOf(viewerLoop);
    }

    /** Whether this gateway holds the key the bridge uses now (without it, nothing can be served). */
    public boolean hasCurrentKey() {
        StreamCatalog.Stream e = entry;
        return e != null && keyIds[e.keyId() & 0xFF];
    }

    public byte[] viewerTokenSecret() {
        return viewerTokenSecret;
    }

    /** Authenticated multicast packets of this stream. */
    public long received() {
        return front.received();
    }

    /** Multicast datagrams of this stream dropped, for any reason. */
    public long dropped() {
        return front.dropped();
    }

    /** This stream's drops of one reason (the table's series sums the streams). */
    public long dropped(DropReason reason) {
        return front.dropped(reason);
    }

    /** The SSRC viewers get for a track: the catalog's first, for the relay's life. */
    public long viewerSsrc(Track.Kind kind) {
        StreamCatalog.Stream e = entry; // read first: it publishes the SSRCs taken with it
        long ssrc = viewerSsrcs[kind.ordinal()];
        return ssrc >= 0 ? ssrc : e.track(kind.label()).ssrc();
    }

    /** The highest packet index authenticated or published for the track's SSRC, or -1. For tests and status. */
    public long packetIndex(Track.Kind kind) {
        return indexes[kind.ordinal()].highest();
    }

    // The fan-out's counts of this stream, summed over the media loops' cells (the table has them too).
    public long keyframesToJoiners() {
        return fanout.sum(ViewerShard::keyframesToJoiners);
    }

    public long viewerNacks() {
        return fanout.sum(ViewerShard::viewerNacks);
    }

    public long viewerRetransmissions() {
        return fanout.sum(ViewerShard::viewerRetransmissions);
    }

    /** Runs of this stream's periodic tasks that threw (each is logged, and the task goes on). */
    public long taskFailures() {
        return reportTimer.failures() + lossTimer.failures();
    }

    @Override
    public void close() {
        reportTimer.cancel();
        lossTimer.cancel();
        membership.close();
        fanout.close();
        // The stream's series leave the table (its label disappears).
        front.close();
        for (SingleWriterCounter c : List.of(lost, repaired, unrecovered, nackedPackets)) {
            c.close();
        }
        loop.execute(this::closeOnLoop);
    }

    private void closeOnLoop() {
        front.closeKeys();
        if (repairs != null) {
            repairs.forget(this);
        }
    }
}
