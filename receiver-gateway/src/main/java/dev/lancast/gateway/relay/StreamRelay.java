package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.media.KeyframeCache;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.multicast.MulticastReceiver;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtp.Keyframes;
import dev.lancast.rtc.rtp.RtpReceiveStatistics;
import dev.lancast.rtc.rtp.LossDetector;
import dev.lancast.rtc.rtp.SequenceNumbers;
import dev.lancast.rtc.rtp.PacketCache;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;
import dev.lancast.rtc.srtp.PacketIndex;
import dev.lancast.rtc.srtp.RolloverCounters;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream at the gateway: joins its groups, authenticates and decrypts each multicast packet
 * once with the group key, and sends it to every viewer with the viewer's own SRTP keys. All of it
 * runs on the media event loop that also owns the shared ICE port, so one flush sends a packet's
 * copies to all viewers in one batch. Viewers see one SSRC, sequence space and timeline per track
 * from this relay, whatever happens upstream: when the bridge's stream changes (a restarted
 * bridge: new SSRCs, new numbers) the relay continues its own numbering and starts its loss
 * detection, statistics and keyframe cache again, and the viewers' sessions play on.
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
    private final DatagramChannel viewerChannel;
    private final FeedbackSender feedback;
    private final RtpPacket rtp = new RtpPacket();
    private final RtcpPacket rtcp = new RtcpPacket();
    private final dev.lancast.rtc.limits.PeriodicTask reportTimer;
    private final dev.lancast.rtc.limits.PeriodicTask lossTimer;
    private final LossDetector videoLoss;
    private final LossDetector audioLoss;
    /** Plain packets of the last second, for viewers' NACKs: one viewer's Wi-Fi loss costs no multicast. */
    private final PacketCache videoCache = new PacketCache(512, 1500, TimeUnit.SECONDS.toNanos(1));
    private final PacketCache audioCache = new PacketCache(128, 1500, TimeUnit.SECONDS.toNanos(1));
    private final RtpPacket resend = new RtpPacket();
    private final byte[] resendScratch = new byte[1500];
    private final int[] nackSeqs = new int[64];
    private final KeyframeCache keyframe = new KeyframeCache();
    private final RtpPacket primer = new RtpPacket();
    private final byte[] primerScratch = new byte[1500];
    private int lastVideoSeq = -1;
    private long lastVideoTs;
    private long keyframesToJoiners;
    /** Reception of the group after repair (what viewers get), reported to the bridge every 5 s. */
    private RtpReceiveStatistics videoReception = new RtpReceiveStatistics();
    private RtpReceiveStatistics audioReception = new RtpReceiveStatistics();
    /** The viewers' SSRC and numbering of each track: the catalog's first SSRC, kept for the relay's life. */
    private volatile TrackRewriter videoOut;
    private volatile TrackRewriter audioOut;
    private int reportTick;
    private long viewerNacks;
    private long viewerRetransmissions;
    /** Why multicast datagrams were dropped, by {@link DropReason}. */
    private final LongAdder[] drops = java.util.stream.Stream.generate(LongAdder::new)
            .limit(DropReason.values().length).toArray(LongAdder[]::new);
    private final LongAdder received = new LongAdder();
    private volatile StreamCatalog.Stream entry;
    /** The bridge's secret that the catalog's viewer-token MACs are made with; null until keys come. */
    private volatile byte[] viewerTokenSecret;
    private volatile ViewerSession[] viewers = new ViewerSession[0];
    private MulticastReceiver videoIn;
    private MulticastReceiver audioIn;
    private final long[] srNtp = {-1, -1};
    private final long[] srRtp = new long[2];
    private long lastKeyframeRequestNanos = System.nanoTime() - KEYFRAME_MIN_INTERVAL_NANOS;
    /**
     * The highest SRTP packet index known of each upstream track (0 video, 1 audio), from the
     * bridge's published index and from the packets authenticated here; a context made for a key
     * mid-stream starts at the ROC it gives. Media loop only.
     */
    private final PacketIndex.Tracker[] indexes = {new PacketIndex.Tracker(), new PacketIndex.Tracker()};
    private final long[] indexSsrcs = {-1, -1};
    private final RolloverCounters rocs = (ssrc, seq) -> {
        int t = ssrc == indexSsrcs[0] ? 0 : ssrc == indexSsrcs[1] ? 1 : -1;
        return t < 0 ? 0 : (int) PacketIndex.roc(PacketIndex.estimate(indexes[t].highest(), seq));
    };

    public StreamRelay(String name, EventLoops loops, EventLoop loop, NetworkInterface iface,
                       DatagramChannel viewerChannel, FeedbackSender feedback) {
        this.name = name;
        this.loops = loops;
        this.loop = loop;
        this.iface = iface;
        this.viewerChannel = viewerChannel;
        this.feedback = feedback;
        this.reportTimer = dev.lancast.rtc.limits.PeriodicTask.schedule(loop, "reports of stream " + name, LOG, this::sendReports, 1, 1,
                TimeUnit.SECONDS);
        // First NACK 0-5 ms after a gap is seen (spread over gateways), then every 30 ms, 5 times.
        this.videoLoss = new LossDetector(1024, TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(30), 5,
                java.util.concurrent.ThreadLocalRandom.current());
        this.audioLoss = new LossDetector(256, TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(30), 5,
                java.util.concurrent.ThreadLocalRandom.current());
        this.lossTimer = dev.lancast.rtc.limits.PeriodicTask.schedule(loop, "repairs of stream " + name, LOG, this::requestRepairs, 5, 5,
                TimeUnit.MILLISECONDS);
    }

    public String name() {
        return name;
    }

    public StreamCatalog.Stream entry() {
        return entry;
    }

    public int viewerCount() {
        return viewers.length;
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

    public long dropped() {
        long sum = 0;
        for (LongAdder d : drops) {
            sum += d.sum();
        }
        return sum;
    }

    public long dropped(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }

    private void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
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
                    receivers[k.id()] = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), 1024, rocs, 2);
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

    public long received() {
        return received.sum();
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
        for (GroupKeys.StreamIndex i : published) {
            if (name.equals(i.stream())) {
                indexOf(i.kind().equals("video") ? 0 : 1, i.ssrc()).advanceTo(i.index());
            }
        }
    }

    /** The index tracker of a track, new when the upstream SSRC changed. Media loop. */
    private PacketIndex.Tracker indexOf(int track, long ssrc) {
        if (indexSsrcs[track] != ssrc) {
            indexes[track] = new PacketIndex.Tracker();
            indexSsrcs[track] = ssrc;
        }
        return indexes[track];
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

    /** The entry, and the viewers' numbering of each track from the first entry's SSRCs on. */
    private void take(StreamCatalog.Stream next) {
        if (videoOut == null && next.track("video") != null) {
            videoOut = new TrackRewriter(next.track("video").ssrc(), 90000);
        }
        if (audioOut == null && next.track("audio") != null) {
            audioOut = new TrackRewriter(next.track("audio").ssrc(), 48000);
        }
        entry = next;
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
        if (size < 12 || !namedByCatalog(buf, start + (isRtcp ? 4 : 8))) {
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
            onRtcp(buf, start, n);
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
        StreamCatalog.Stream e = entry;
        if (e == null) {
            return;
        }
        boolean isVideo = rtp.ssrc() == e.track("video").ssrc();
        if (!isVideo && rtp.ssrc() != e.track("audio").ssrc()) {
            return;
        }
        indexOf(isVideo ? 0 : 1, rtp.ssrc()).update(rtp.sequenceNumber());
        TrackRewriter out = isVideo ? videoOut : audioOut;
        if (out == null) {
            return;
        }
        if (rtp.ssrc() != out.inSsrc() && out.inSsrc() >= 0) {
            upstreamChanged(isVideo, out.inSsrc(), rtp.ssrc());
        }
        long now = System.nanoTime();
        // Loss, repair and the reports to the bridge are in the bridge's numbers; the rest in the viewers'.
        (isVideo ? videoLoss : audioLoss).onPacket(rtp.sequenceNumber(), now);
        (isVideo ? videoReception : audioReception).update(rtp.sequenceNumber(), rtp.timestamp(),
                now / 1000 * (isVideo ? 90 : 48) / 1000);
        out.rewrite(rtp, now);
        int seq = rtp.sequenceNumber();
        (isVideo ? videoCache : audioCache).put(seq, buf, start, n, now);
        if (isVideo) {
            keyframe.onPacket(rtp, Keyframes.starts(e.track("video").codec(), buf, rtp.payloadOffset(), rtp.payloadLength()));
            if (lastVideoSeq < 0 || SequenceNumbers.isNewer(rtp.sequenceNumber(), lastVideoSeq)) {
                lastVideoSeq = rtp.sequenceNumber();
                lastVideoTs = rtp.timestamp();
            }
        }
        ViewerSession[] targets = viewers;
        for (ViewerSession v : targets) {
            v.forward(isVideo, rtp, seq);
        }
        if (targets.length > 0) {
            viewerChannel.flush();
        }
    }

    /**
     * The bridge's stream changed under this relay (it restarted: new SSRC and numbers): what was
     * learnt of the old one (gaps, reception statistics, the keyframe, the sender-report timing)
     * is dropped; the viewers' numbering goes on. Media loop, once per change.
     */
    private void upstreamChanged(boolean isVideo, long was, long now) {
        LOG.info("stream {}: the bridge's {} stream changed (SSRC {} -> {}); viewers continue on SSRC {}", name,
                isVideo ? "video" : "audio", was, now, isVideo ? videoOut.outSsrc() : audioOut.outSsrc());
        if (isVideo) {
            videoLoss.restart();
            videoReception = new RtpReceiveStatistics();
            keyframe.reset();
            srNtp[0] = -1;
            requestKeyframe();
        } else {
            audioLoss.restart();
            audioReception = new RtpReceiveStatistics();
            srNtp[1] = -1;
        }
    }

    /** The SSRC viewers get for a track ("video" or "audio"): the catalog's first, for the relay's life. */
    public long viewerSsrc(String kind) {
        TrackRewriter out = kind.equals("video") ? videoOut : audioOut;
        return out != null ? out.outSsrc() : entry.track(kind).ssrc();
    }

    private static DropReason reasonFor(int srtpResult) {
        return switch (srtpResult) {
            case SrtpReceiver.AUTH_FAIL -> DropReason.AUTH_FAILED;
            case SrtpReceiver.REPLAY -> DropReason.REPLAYED;
            default -> DropReason.MALFORMED;
        };
    }

    /** Whether the SSRC at {@code at} is this stream's video or audio SSRC in the catalog. */
    private boolean namedByCatalog(byte[] buf, int at) {
        StreamCatalog.Stream e = entry;
        if (e == null) {
            return false;
        }
        long ssrc = ((long) (buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8)
                | (buf[at + 3] & 0xFF);
        StreamCatalog.Track video = e.track("video");
        StreamCatalog.Track audio = e.track("audio");
        return (video != null && ssrc == video.ssrc()) || (audio != null && ssrc == audio.ssrc());
    }

    /** Whether a group datagram (lancast header + SRTP) belongs to this stream, by its SSRC. */
    public boolean owns(byte[] buf, int off, int len) {
        StreamCatalog.Stream e = entry;
        if (e == null || len < GroupWireFormat.HEADER_LENGTH + 12) {
            return false;
        }
        int at = off + GroupWireFormat.HEADER_LENGTH + 8;
        long ssrc = ((long) (buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8)
                | (buf[at + 3] & 0xFF);
        return ssrc == e.track("video").ssrc() || ssrc == e.track("audio").ssrc();
    }

    private void requestRepairs() {
        StreamCatalog.Stream e = entry;
        if (e == null) {
            return;
        }
        long now = System.nanoTime();
        InetSocketAddress bridge = null;
        for (int t = 0; t < 2; t++) {
            LossDetector loss = t == 0 ? videoLoss : audioLoss;
            int n = loss.collectDue(now, nackSeqs);
            if (n > 0) {
                bridge = bridge != null ? bridge : HostPort.parse(e.feedback()).toSocketAddress();
                feedback.sendNack(bridge, e.track(t == 0 ? "video" : "audio").ssrc(), nackSeqs, n);
            }
        }
    }

    /**
     * Starts a new viewer with the latest complete keyframe, numbered just after the live stream's
     * latest packet and stamped just before the latest frame's time; this viewer's live packets then
     * come shifted by the primer's length ({@link ViewerNumbering}), so no number carries two
     * contents. The viewer shows a picture at once; the keyframe request that the join also makes
     * brings the live picture. Media loop.
     */
    void primeViewer(ViewerSession viewer) {
        int n = keyframe.count();
        if (n == 0 || lastVideoSeq < 0) {
            return;
        }
        int first = viewer.numbering().primeAfter(lastVideoSeq, n);
        for (int i = 0; i < n; i++) {
            System.arraycopy(keyframe.packet(i), 0, primerScratch, 0, keyframe.length(i));
            if (!primer.wrap(primerScratch, 0, keyframe.length(i))) {
                return;
            }
            primer.setSequenceNumber((first + i) & 0xFFFF);
            // Just before the live frame in flight, so the keyframe is complete and in order on its own.
            primer.setTimestamp((lastVideoTs - 1) & 0xFFFFFFFFL);
            viewer.sendPrimer(primer);
        }
        viewerChannel.flush();
        keyframesToJoiners++;
    }

    /** A viewer lost a packet on its own link: resend it from the cache to that viewer alone. */
    void onViewerNack(ViewerSession viewer, long mediaSsrc, int seq) {
        StreamCatalog.Stream e = entry;
        if (e == null) {
            return;
        }
        viewerNacks++;
        boolean isVideo = mediaSsrc == viewerSsrc("video");
        int relaySeq = isVideo ? viewer.numbering().toRelay(seq) : seq;
        if (relaySeq < 0) {
            return; // a primer packet: its content is not in the cache under any number
        }
        int n = (isVideo ? videoCache : audioCache).get(relaySeq, System.nanoTime(), resendScratch, 0);
        if (n > 0 && resend.wrap(resendScratch, 0, n)) {
            viewer.forward(isVideo, resend, relaySeq);
            viewerRetransmissions++;
        }
    }

    /** Loss and repair counters of this stream at this gateway. */
    public RepairStats repairStats() {
        return new RepairStats(videoLoss.lost() + audioLoss.lost(), videoLoss.repaired() + audioLoss.repaired(),
                videoLoss.unrecovered() + audioLoss.unrecovered(), videoLoss.nacksRequested() + audioLoss.nacksRequested(),
                viewerNacks, viewerRetransmissions);
    }

    public record RepairStats(long lost, long repaired, long unrecovered, long nackedPackets, long viewerNacks,
                              long viewerRetransmissions) {
    }

    public long keyframesToJoiners() {
        return keyframesToJoiners;
    }

    private void onRtcp(byte[] buf, int off, int len) {
        StreamCatalog.Stream e = entry;
        if (e == null || !rtcp.wrap(buf, off, len)) {
            return;
        }
        while (rtcp.next()) {
            if (rtcp.packetType() != 200) {
                continue;
            }
            int i = rtcp.senderSsrc() == e.track("video").ssrc() ? 0 : rtcp.senderSsrc() == e.track("audio").ssrc() ? 1 : -1;
            TrackRewriter out = i == 0 ? videoOut : i == 1 ? audioOut : null;
            // The bridge's timestamps, in the viewers' timeline.
            long rtpTs = out == null || out.inSsrc() != rtcp.senderSsrc() ? -1 : out.translateTimestamp(rtcp.srRtpTimestamp());
            if (rtpTs >= 0) {
                srNtp[i] = rtcp.srNtpTimestamp();
                srRtp[i] = rtpTs;
            }
        }
    }

    private void sendReports() {
        StreamCatalog.Stream e = entry;
        if (e == null) {
            return;
        }
        if (++reportTick % 5 == 0 && videoReception.packetsReceived() > 0) {
            feedback.sendReceiverReport(HostPort.parse(e.feedback()).toSocketAddress(),
                    block(e.track("video").ssrc(), videoReception), block(e.track("audio").ssrc(), audioReception));
        }
        ViewerSession[] targets = viewers;
        for (ViewerSession v : targets) {
            if (srNtp[0] >= 0) {
                v.sendReport(true, viewerSsrc("video"), srNtp[0], srRtp[0]);
            }
            if (srNtp[1] >= 0) {
                v.sendReport(false, viewerSsrc("audio"), srNtp[1], srRtp[1]);
            }
        }
        if (targets.length > 0) {
            viewerChannel.flush();
        }
    }

    private static ReportBlock block(long ssrc, RtpReceiveStatistics stats) {
        return new ReportBlock(ssrc, stats.fractionLostAndReset(), stats.cumulativeLost(), stats.extendedHighestSeq(),
                stats.jitter(), 0, 0);
    }

    public void add(ViewerSession viewer) {
        loop.execute(() -> {
            ViewerSession[] next = Arrays.copyOf(viewers, viewers.length + 1);
            next[next.length - 1] = viewer;
            viewers = next;
        });
    }

    public void remove(ViewerSession viewer) {
        loop.execute(() -> viewers = Arrays.stream(viewers).filter(v -> v != viewer).toArray(ViewerSession[]::new));
    }

    /** Asks the bridge for a keyframe (a new viewer, or a viewer's PLI/FIR); at most 5 per second. */
    public void requestKeyframe() {
        loop.execute(() -> {
            StreamCatalog.Stream e = entry;
            long now = System.nanoTime();
            if (e == null || now - lastKeyframeRequestNanos < KEYFRAME_MIN_INTERVAL_NANOS) {
                return;
            }
            lastKeyframeRequestNanos = now;
            feedback.sendPli(HostPort.parse(e.feedback()).toSocketAddress(), e.track("video").ssrc());
        });
    }

    @Override
    public synchronized void close() {
        reportTimer.cancel();
        lossTimer.cancel();
        for (ViewerSession v : viewers) {
            if (v.peer() != null) {
                v.peer().close("gateway shutting down");
            }
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
