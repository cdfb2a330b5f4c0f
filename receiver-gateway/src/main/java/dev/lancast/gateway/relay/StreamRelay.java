package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.FeedbackPort;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.multicast.MulticastReceiver;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtp.Keyframes;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.KnownIndexes;
import dev.lancast.rtc.srtp.PacketIndex;
import dev.lancast.rtc.srtp.RolloverCounters;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream at the gateway: joins its groups, authenticates and decrypts each multicast packet
 * once with the group key on its own media loop, runs it through its track's pipeline and hands
 * it to the {@link Fanout}, which sends it to every viewer with the viewer's own SRTP keys on the
 * media loop that owns the viewer. Viewers see one SSRC, sequence space and timeline per track
 * from this relay, whatever happens upstream: when the bridge's stream changes (a restarted
 * bridge: new SSRCs, new numbers) the relay continues its own numbering and starts its loss
 * detection, statistics and keyframe cache again, and the viewers' sessions play on.
 *
 * <p>Each track's upstream path is a {@link RelayTrack} pipeline. The control plane (catalog,
 * keys, indexes) reaches the media loop only as commands run on it; the catalog entry becomes a
 * {@link Plan} of compiled {@link Track}s, swapped in one assignment. Media-loop methods assert it.
 */
public final class StreamRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);
    private static final long KEYFRAME_MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String name;
    private final EventLoops loops;
    private final EventLoop loop;
    private final NetworkInterface iface;
    /** One receiver per group key id the bridge has published (previous, current, next). */
    private final SrtpReceiver[] receivers = new SrtpReceiver[256];
    /** The key material each receiver was made from, to notice an id given to a new key. Media loop only. */
    private final String[] materials = new String[256];
    private final ShardedFanout fanout;
    private final FeedbackSender feedback;
    private final RtpPacket rtp = new RtpPacket();
    private final RtcpPacket rtcp = new RtcpPacket();
    private final dev.lancast.rtc.limits.PeriodicTask reportTimer;
    private final dev.lancast.rtc.limits.PeriodicTask lossTimer;
    /** Video and audio (by {@link Track.Kind} ordinal): made with the first entry naming the track. Media loop. */
    private final RelayTrack[] tracks = new RelayTrack[2];
    /**
     * The highest SRTP packet index known of each upstream track, from the bridge's published
     * index and from the packets authenticated here; a context made for a key mid-stream starts
     * at the ROC it gives. Here from the start: the first keys come before the first entry.
     */
    private final IndexTracking[] indexes = {new IndexTracking(), new IndexTracking()};
    private final RelayFeedback port = new RelayFeedback();
    /** The viewers' SSRC of each track: the first entry's, for the relay's life; -1 before. Any thread. */
    private final long[] viewerSsrcs = {-1, -1};
    // This stream's counts in the process's table, written on the media loop only (docs/architecture.md, "Counters").
    /** Why multicast datagrams were dropped, by {@link DropReason}: this stream's cell of each reason's series. */
    private final SingleWriterCounter[] drops = new SingleWriterCounter[DropReason.values().length];
    private final SingleWriterCounter dropped;
    private final SingleWriterCounter received;
    /** The tracks' loss and repair counts, published from their stages every 5 ms (the repair timer). */
    private final SingleWriterCounter lost;
    private final SingleWriterCounter repaired;
    private final SingleWriterCounter unrecovered;
    private final SingleWriterCounter nackedPackets;
    /** The catalog entry as the control plane reads it (WHEP, status); never read per packet. */
    private volatile StreamCatalog.Stream entry;
    /** The tracks of the entry as the media path needs them; replaced whole, on the media loop. */
    private volatile Plan plan = Plan.NONE;
    /** The bridge's secret that the catalog's viewer-token MACs are made with; null until keys come. */
    private volatile byte[] viewerTokenSecret;
    private MulticastReceiver videoIn;
    private MulticastReceiver audioIn;
    private long lastKeyframeRequestNanos = System.nanoTime() - KEYFRAME_MIN_INTERVAL_NANOS;
    private final RolloverCounters rocs = (ssrc, seq) -> {
        IndexTracking index = ssrc == indexes[0].ssrc() ? indexes[0] : ssrc == indexes[1].ssrc() ? indexes[1] : null;
        return index == null ? 0 : index.rolloverCounter(seq);
    };
    /** A new key's replay window starts from the same knowledge (docs/security.md, N17). */
    private final KnownIndexes known = ssrc -> {
        IndexTracking index = ssrc == indexes[0].ssrc() ? indexes[0] : ssrc == indexes[1].ssrc() ? indexes[1] : null;
        return index == null ? PacketIndex.UNKNOWN : index.highest();
    };

    /** What the media path needs of a catalog entry: its tracks, compiled once per entry. Immutable. */
    record Plan(Track video, Track audio) {
        static final Plan NONE = new Plan(null, null);

        static Plan of(StreamCatalog.Stream entry) {
            return new Plan(Track.fromCatalog(entry, Track.Kind.VIDEO), Track.fromCatalog(entry, Track.Kind.AUDIO));
        }

        Track track(int kind) {
            return kind == 0 ? video : audio;
        }

        /** 0 video, 1 audio, -1 when the SSRC is not one of the entry's. */
        int kindOf(long ssrc) {
            return video != null && ssrc == video.ssrc() ? 0 : audio != null && ssrc == audio.ssrc() ? 1 : -1;
        }
    }

    /** @param counters the process's table, where this stream's series go (closed with the relay) */
    public StreamRelay(String name, EventLoops loops, EventLoop loop, NetworkInterface iface,
                       ShardedFanout fanout, FeedbackSender feedback, CounterTable counters) {
        this.name = name;
        for (DropReason reason : DropReason.values()) {
            drops[reason.ordinal()] = counters.cell(RelayCounters.MULTICAST_DROPPED_BY, reason.label());
        }
        this.dropped = counters.counter(RelayCounters.MULTICAST_DROPPED, name);
        this.received = counters.counter(RelayCounters.MULTICAST_RECEIVED, name);
        this.lost = counters.counter(RelayCounters.LOST, name);
        this.repaired = counters.counter(RelayCounters.REPAIRED, name);
        this.unrecovered = counters.counter(RelayCounters.UNRECOVERED, name);
        this.nackedPackets = counters.counter(RelayCounters.NACKED_PACKETS, name);
        this.loops = loops;
        this.loop = loop;
        this.iface = iface;
        this.fanout = fanout;
        this.feedback = feedback;
        this.reportTimer = dev.lancast.rtc.limits.PeriodicTask.schedule(loop, "reports of stream " + name, LOG, this::sendReports, 5, 5,
                TimeUnit.SECONDS);
        this.lossTimer = dev.lancast.rtc.limits.PeriodicTask.schedule(loop, "repairs of stream " + name, LOG, this::requestRepairs, 5, 5,
                TimeUnit.MILLISECONDS);
    }

    public String name() {
        return name;
    }

    public StreamCatalog.Stream entry() {
        return entry;
    }

    /** Viewers whose sessions are connected, on every media loop. */
    public int viewerCount() {
        return (int) fanout.sum(ViewerShard::viewerCount);
    }

    /** The fan-out of this stream over the media loops (viewers per loop, for status and tests). */
    public ShardedFanout fanout() {
        return fanout;
    }

    /** Why a multicast datagram did not reach viewers. */
    public enum DropReason {
        NOT_LANCAST("not_lancast"), UNKNOWN_KEY("unknown_key"), AUTH_FAILED("auth_failed"), REPLAYED("replayed"),
        MALFORMED("malformed"),
        /** An SSRC the catalog does not name for this stream: dropped before any crypto. */
        UNKNOWN_SSRC("unknown_ssrc");

        private final String label;

        DropReason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Multicast datagrams of this stream dropped, for any reason. Any thread. */
    public long dropped() {
        return dropped.get();
    }

    /** This stream's drops of one reason (the table's series sums the streams). Any thread. */
    public long dropped(DropReason reason) {
        return drops[reason.ordinal()].get();
    }

    private void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
        dropped.increment();
    }

    /** Whether this gateway holds the key the bridge uses now (without it, nothing can be served). */
    public boolean hasCurrentKey() {
        StreamCatalog.Stream e = entry;
        return e != null && receivers[e.keyId() & 0xFF] != null;
    }

    /**
     * Takes this stream's keys from the bridge's published ones (another stream's key opens
     * nothing here): receivers for new ids, and the ones of ids no longer published closed. Any
     * thread; applied on the media loop.
     */
    public void updateKeys(GroupKeys keys) {
        viewerTokenSecret = keys.viewerTokenSecret();
        loop.execute(() -> {
            assert loop.inEventLoop();
            boolean[] present = new boolean[256];
            for (GroupKeys.Key k : keys.keys()) {
                if (!name.equals(k.stream())) {
                    continue;
                }
                present[k.id()] = true;
                if (receivers[k.id()] != null && !k.material().equals(materials[k.id()])) {
                    // The bridge gave this id to a new key while this gateway missed its absence.
                    receivers[k.id()].close();
                    receivers[k.id()] = null;
                }
                if (receivers[k.id()] == null) {
                    materials[k.id()] = k.material();
                    GroupKey key = GroupKey.fromHex(k.id(), k.material());
                    // A repaired packet may come a whole keyframe burst after its neighbours: a wide replay window.
                    // Two SSRCs per stream (video, audio): the catalog names them, nothing else is let in;
                    // each starts at the rollover counter the bridge's packet index gives.
                    receivers[k.id()] = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), 1024, rocs, known, 2);
                }
            }
            applyIndexes(keys.indexes());
            for (int id = 0; id < 256; id++) {
                if (!present[id] && receivers[id] != null) {
                    receivers[id].close();
                    receivers[id] = null;
                }
            }
        });
    }

    public byte[] viewerTokenSecret() {
        return viewerTokenSecret;
    }

    /** Runs of this stream's periodic tasks that threw (each is logged, and the task goes on). */
    public long taskFailures() {
        return reportTimer.failures() + lossTimer.failures();
    }

    /** Authenticated multicast packets of this stream. Any thread. */
    public long received() {
        return received.get();
    }

    /** The bridge's latest packet index of each track (any thread; applied on the media loop). */
    public void updateIndexes(java.util.List<GroupKeys.StreamIndex> published) {
        loop.execute(() -> applyIndexes(published));
    }

    /**
     * Needs no catalog entry: the first keys reach a new relay before its entry and before its
     * groups are joined, and the first packet's context must already start at the right ROC.
     */
    private void applyIndexes(java.util.List<GroupKeys.StreamIndex> published) {
        assert loop.inEventLoop();
        for (GroupKeys.StreamIndex i : published) {
            if (name.equals(i.stream())) {
                indexes[i.kind().equals("video") ? 0 : 1].advanceTo(i.ssrc(), i.index());
            }
        }
    }

    /** The highest packet index authenticated or published for the track's SSRC, or -1. For tests and status. */
    public long packetIndex(String kind) {
        return indexes[kind.equals("video") ? 0 : 1].highest();
    }

    /**
     * Applies a new catalog entry: joins the groups it names (again, if they moved). Called from
     * the catalog thread, never the media loop, since joining waits for the socket.
     */
    public synchronized void update(StreamCatalog.Stream next) {
        StreamCatalog.Stream previous = entry;
        take(next);
        rejoinIfMoved(previous, next, "video");
        rejoinIfMoved(previous, next, "audio");
    }

    /**
     * Takes a catalog entry without joining its groups, for a caller that feeds
     * {@link #onDatagram} itself: the JMH fan-out benchmark (bench/jmh), which runs without sockets.
     */
    synchronized void useEntryWithoutJoining(StreamCatalog.Stream next) {
        take(next);
    }

    /**
     * The entry for the control plane at once, and for the media path as a plan compiled here and
     * handed to the loop (at once when already on it: the benchmark drives the relay on its loop).
     */
    private void take(StreamCatalog.Stream next) {
        if (next.equals(entry)) {
            return; // the catalog is read every second; most reads change nothing
        }
        Plan compiled = Plan.of(next);
        for (int k = 0; k < 2; k++) {
            if (viewerSsrcs[k] < 0 && compiled.track(k) != null) {
                viewerSsrcs[k] = compiled.track(k).ssrc();
            }
        }
        entry = next;
        if (loop.inEventLoop()) {
            use(compiled);
        } else {
            loop.execute(() -> use(compiled));
        }
    }

    /** The tracks from now on: a track's pipeline is made with the first plan naming it, later ones update it. */
    private void use(Plan next) {
        assert loop.inEventLoop();
        for (int k = 0; k < 2; k++) {
            Track t = next.track(k);
            if (t == null) {
                continue;
            }
            if (tracks[k] == null) {
                tracks[k] = RelayTrack.assemble(t, indexes[k], this::upstreamChanged);
            } else {
                tracks[k].pipeline.use(t);
            }
        }
        plan = next;
    }

    private void rejoinIfMoved(StreamCatalog.Stream previous, StreamCatalog.Stream next, String kind) {
        StreamCatalog.Track before = previous == null ? null : previous.track(kind);
        StreamCatalog.Track after = next.track(kind);
        boolean same = before != null && after != null && Objects.equals(before.group(), after.group())
                && before.port() == after.port() && Objects.equals(before.source(), after.source());
        MulticastReceiver current = kind.equals("video") ? videoIn : audioIn;
        if (same && current != null) {
            return;
        }
        if (current != null) {
            current.close();
        }
        MulticastReceiver joined = after == null ? null : new MulticastReceiver(loops, loop, iface,
                new InetSocketAddress(after.group(), after.port()), sourceOf(after), this::onDatagram);
        if (joined != null) {
            LOG.info("stream {}: joined {} group {}:{} on {}{}", name, kind, after.group(), after.port(), iface.getName(),
                    after.source() == null ? "" : " from source " + after.source());
        }
        if (kind.equals("video")) {
            videoIn = joined;
        } else {
            audioIn = joined;
        }
    }

    private static java.net.InetAddress sourceOf(StreamCatalog.Track track) {
        if (track.source() == null) {
            return null;
        }
        if (!dev.lancast.rtc.net.Interfaces.isAddressLiteral(track.source())) {
            throw new IllegalArgumentException("catalog source '" + track.source() + "' is not an address");
        }
        try {
            return java.net.InetAddress.getByName(track.source());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A datagram of this stream's group, from the group or retransmitted by the bridge. Media loop. */
    public void onDatagram(byte[] buf, int off, int len, InetSocketAddress sender) {
        assert loop.inEventLoop();
        int keyId = GroupWireFormat.keyId(buf, off, len);
        if (keyId < 0) {
            drop(DropReason.NOT_LANCAST);
            return;
        }
        SrtpReceiver srtp = receivers[keyId];
        if (srtp == null) {
            drop(DropReason.UNKNOWN_KEY);
            return;
        }
        int start = off + GroupWireFormat.HEADER_LENGTH;
        int size = len - GroupWireFormat.HEADER_LENGTH;
        boolean isRtcp = RtpPacket.isRtcp(buf, start, size);
        Plan p = plan;
        if (size < 12 || p.kindOf(ssrcAt(buf, start + (isRtcp ? 4 : 8))) < 0) {
            // Forged under the public key id with any SSRC: no context is derived, nothing is kept.
            drop(size < 12 ? DropReason.MALFORMED : DropReason.UNKNOWN_SSRC);
            return;
        }
        if (isRtcp) {
            int n = srtp.unprotectRtcp(buf, start, size);
            if (n < 0) {
                drop(reasonFor(n));
                return;
            }
            received.increment();
            onRtcp(p, buf, start, n);
            return;
        }
        int n = srtp.unprotectRtp(buf, start, size);
        if (n < 0) {
            drop(reasonFor(n));
            return;
        }
        if (!rtp.wrap(buf, start, n)) {
            drop(DropReason.MALFORMED);
            return;
        }
        received.increment();
        int kind = p.kindOf(rtp.ssrc());
        RelayTrack track = kind < 0 ? null : tracks[kind];
        if (track == null) {
            return;
        }
        long now = System.nanoTime();
        if (track.pipeline.onRtp(rtp, now)) {
            deliver(track, rtp, now);
        }
    }

    /** One packet of the live stream, in the viewers' numbering, to the fan-out. Media loop. */
    private void deliver(RelayTrack track, RtpPacket rtp, long now) {
        Track t = track.pipeline.track();
        boolean startsKeyframe = switch (t.codec()) {
            case VP8 -> Keyframes.vp8(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
            case H264 -> Keyframes.h264(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
            default -> false;
        };
        fanout.onMedia(t.isVideo(), t.isVideo() && startsKeyframe, rtp, now);
    }

    /**
     * The bridge's stream changed under this relay (it restarted: new SSRC and numbers): the
     * track's stages have dropped what they learnt of the old one (gaps, reception statistics,
     * the sender-report timing) and the viewers' numbering goes on; the fan-out drops what it
     * cached of the old source, and a new keyframe is asked for. Media loop, once per change.
     */
    private void upstreamChanged(Track track, long was, long now, long nowNanos) {
        LOG.info("stream {}: the bridge's {} stream changed (SSRC {} -> {}); viewers continue on SSRC {}", name,
                track.kind().label(), was, now, tracks[track.kind().ordinal()].viewers.outSsrc());
        if (track.isVideo()) {
            requestKeyframe();
        }
        fanout.onUpstreamChanged(track.isVideo());
    }

    /** The SSRC viewers get for a track ("video" or "audio"): the catalog's first, for the relay's life. Any thread. */
    public long viewerSsrc(String kind) {
        StreamCatalog.Stream e = entry; // read first: it publishes the SSRCs taken with it
        long ssrc = viewerSsrcs[kind.equals("video") ? 0 : 1];
        return ssrc >= 0 ? ssrc : e.track(kind).ssrc();
    }

    private static DropReason reasonFor(int srtpResult) {
        return switch (srtpResult) {
            case SrtpReceiver.AUTH_FAIL -> DropReason.AUTH_FAILED;
            case SrtpReceiver.REPLAY -> DropReason.REPLAYED;
            default -> DropReason.MALFORMED;
        };
    }

    private static long ssrcAt(byte[] buf, int at) {
        return ((long) (buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8)
                | (buf[at + 3] & 0xFF);
    }

    /** Whether a group datagram (lancast header + SRTP) belongs to this stream, by its SSRC. */
    public boolean owns(byte[] buf, int off, int len) {
        return len >= GroupWireFormat.HEADER_LENGTH + 12
                && plan.kindOf(ssrcAt(buf, off + GroupWireFormat.HEADER_LENGTH + 8)) >= 0;
    }

    /** Every 5 ms: the NACKs due to the bridge. */
    private void requestRepairs() {
        assert loop.inEventLoop();
        long now = System.nanoTime();
        for (RelayTrack t : tracks) {
            if (t != null) {
                t.pipeline.tick(now, port);
            }
        }
        publishLoss();
    }

    /**
     * The tracks' loss stages count for themselves; their counts go to the table from here, on the
     * loop that owns them, within 5 ms (the stages only count up, and a track's pipeline lives as
     * long as the relay, so the sums only go up too).
     */
    private void publishLoss() {
        long l = 0;
        long r = 0;
        long u = 0;
        long n = 0;
        for (RelayTrack t : tracks) {
            if (t != null) {
                l += t.nacks.loss().lost();
                r += t.nacks.loss().repaired();
                u += t.nacks.loss().unrecovered();
                n += t.nacks.loss().nacksRequested();
            }
        }
        lost.set(l);
        repaired.set(r);
        unrecovered.set(u);
        nackedPackets.set(n);
    }

    // The fan-out's counts of this stream, summed over the media loops' cells (the table has them too). Any thread.
    public long keyframesToJoiners() {
        return fanout.sum(ViewerShard::keyframesToJoiners);
    }

    public long viewerNacks() {
        return fanout.sum(ViewerShard::viewerNacks);
    }

    public long viewerRetransmissions() {
        return fanout.sum(ViewerShard::viewerRetransmissions);
    }

    /** The bridge's sender reports: each track's tap translates the mapping into the viewers' timeline for the fan-out. Media loop. */
    private void onRtcp(Plan p, byte[] buf, int off, int len) {
        if (!rtcp.wrap(buf, off, len)) {
            return;
        }
        long now = System.nanoTime();
        while (rtcp.next()) {
            if (rtcp.packetType() != 200) {
                continue;
            }
            int kind = p.kindOf(rtcp.senderSsrc());
            RelayTrack t = kind < 0 ? null : tracks[kind];
            if (t != null && t.senderReports.onSenderReport(rtcp.senderSsrc(), rtcp.srNtpTimestamp(),
                    rtcp.srRtpTimestamp(), now)) {
                fanout.onSenderReport(kind == 0, t.senderReports.ntp(), t.senderReports.rtpTimestamp());
            }
        }
    }

    /** Every 5 s: the receiver report to the bridge (the viewers' sender reports are the shards'). */
    private void sendReports() {
        assert loop.inEventLoop();
        RelayTrack video = tracks[0];
        RelayTrack audio = tracks[1];
        if (video == null || video.reception.packetsReceived() == 0) {
            return;
        }
        long now = System.nanoTime();
        port.blockCount = 0;
        video.pipeline.report(now, port);
        if (audio != null) {
            audio.pipeline.report(now, port);
        }
        feedback.sendReceiverReport(video.pipeline.track().feedback(), Arrays.copyOf(port.blocks, port.blockCount));
    }

    /** The bridge's feedback port as the tracks' feedback port: by unicast, SRTCP under the group key. */
    private final class RelayFeedback implements FeedbackPort {
        final ReportBlock[] blocks = new ReportBlock[2];
        int blockCount;

        @Override
        public void nack(Track track, long mediaSsrc, int[] seqs, int count) {
            feedback.sendNack(track.feedback(), mediaSsrc, seqs, count);
        }

        @Override
        public void keyframeRequest(Track track, long mediaSsrc) {
            feedback.sendPli(track.feedback(), mediaSsrc);
        }

        @Override
        public void reportBlock(Track track, ReportBlock block) {
            if (blockCount < blocks.length) {
                blocks[blockCount++] = block;
            }
        }
    }

    /** The shard that serves viewers whose sessions run on this media loop. */
    ViewerShard shardOf(EventLoop viewerLoop) {
        return fanout.shardOf(viewerLoop);
    }

    /** Asks the bridge for a keyframe (a new viewer, or a viewer's PLI/FIR); at most 5 per second. */
    public void requestKeyframe() {
        loop.execute(() -> {
            Track video = plan.video();
            long now = System.nanoTime();
            if (video == null || now - lastKeyframeRequestNanos < KEYFRAME_MIN_INTERVAL_NANOS) {
                return;
            }
            lastKeyframeRequestNanos = now;
            port.keyframeRequest(video, video.ssrc());
        });
    }

    @Override
    public synchronized void close() {
        reportTimer.cancel();
        lossTimer.cancel();
        fanout.close();
        // The stream's series leave the table (its label disappears, as its callbacks' did before).
        for (SingleWriterCounter c : drops) {
            c.close();
        }
        for (SingleWriterCounter c : List.of(dropped, received, lost, repaired, unrecovered, nackedPackets)) {
            c.close();
        }
        if (videoIn != null) {
            videoIn.close();
        }
        if (audioIn != null) {
            audioIn.close();
        }
        loop.execute(() -> {
            for (SrtpReceiver r : receivers) {
                if (r != null) {
                    r.close();
                }
            }
        });
    }
}
