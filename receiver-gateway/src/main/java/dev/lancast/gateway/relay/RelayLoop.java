package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.limits.PeriodicTask;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.Timeline;
import dev.lancast.rtc.srtp.KnownIndexes;
import dev.lancast.rtc.srtp.PacketIndex;
import dev.lancast.rtc.srtp.RolloverCounters;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a stream's relay that its media loop owns, and the only place that loop's state of
 * the stream changes: each group datagram takes
 * <pre>
 *   {@link RelayFront} (key, SSRC admission, SRTP open) -> the track's {@link RelayTrack} stages -> {@link Fanout}
 * </pre>
 * and the control plane's changes arrive as the named commands {@link #usePlan}, {@link #useKeys},
 * {@link #advanceIndexes} and {@link #askForKeyframe}, which {@link StreamRelay} posts (in the
 * manner of Aeron's ReceiverProxy and Receiver). Every method runs on the loop and asserts it.
 * Three timers of its own: NACKs due every 5 ms, the delivery path ({@link DeliveryPath}: multicast
 * or a unicast copy) every 250 ms, the receiver report to the bridge every 5 s. Datagrams come in
 * from the groups ({@link #onGroupDatagram}) or by unicast from the bridge ({@link #onUnicastDatagram}:
 * repairs and copies); both take the same front.
 */
final class RelayLoop {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);
    /** A repair may come a whole keyframe burst after its neighbours: a wide replay window. */
    private static final int REPLAY_WINDOW = 1024;

    private static final long DELIVERY_TICK_MS = 250;

    private final String name;
    private final EventLoop loop;
    private final LongSupplier clock;
    private final RelayFront front;
    private final Fanout fanout;
    private final RelayFeedback feedback;
    /** Routes the bridge's unicast datagrams here by this stream's SSRCs; null where nothing is unicast (the benchmark). */
    private final RepairRouter repairs;

    private final StreamRelay owner;
    private final RelayFront.Sink sink = new Sink();
    private final RtcpPacket rtcp = new RtcpPacket();
    /** By slot (video layers, audio): made with the first plan naming the track. */
    private final RelayTrack[] tracks = new RelayTrack[Track.SLOTS];
    /** The viewers' timeline of the stream's video: every layer's rewriter continues it. */
    private final Timeline videoTimeline = new Timeline(Track.Kind.VIDEO.clockRate());
    /**
     * By slot: the highest SRTP packet index known of each upstream track, from the bridge's
     * published index and from the packets authenticated here; a context made for a key mid-stream
     * starts at the ROC it gives. Here from the start: the first keys come before the first entry.
     */
    private final IndexTracking[] indexes = new IndexTracking[Track.SLOTS];

    private final RolloverCounters rocs = this::rolloverCounter;
    /** A new key's replay window starts from the same knowledge (docs/security.md, N17). */
    private final KnownIndexes known = this::highestKnown;
    /** The tracks' loss and repair counts, published from their stages every 5 ms (the repair timer). */
    private final SingleWriterCounter lost;

    private final SingleWriterCounter repaired;
    private final SingleWriterCounter unrecovered;
    private final SingleWriterCounter nackedPackets;
    private final PeriodicTask reportTimer;
    private final PeriodicTask lossTimer;
    private final PeriodicTask deliveryTimer;
    /** Multicast, or a unicast copy from the bridge. */
    private final RelayDelivery delivery;

    private RelayPlan plan = RelayPlan.NONE;

    /**
     * @param silenceMs how long the groups may be silent, the bridge up, before a unicast copy is asked for (0: never)
     * @param control   asks the bridge for the copy, and rejoins, off the loop
     */
    RelayLoop(
            StreamRelay owner,
            String name,
            EventLoop loop,
            Fanout fanout,
            FeedbackSender feedbackSender,
            RepairRouter repairs,
            DeliveryControl control,
            long silenceMs,
            CounterTable counters,
            LongSupplier clock) {
        this.owner = owner;
        this.name = name;
        this.loop = loop;
        this.clock = clock;
        this.fanout = fanout;
        this.repairs = repairs;
        this.feedback = new RelayFeedback(feedbackSender);
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            indexes[slot] = new IndexTracking();
        }
        this.front = new RelayFront(
                key -> new SrtpReceiver(
                        SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), REPLAY_WINDOW, rocs, known, Track.SLOTS),
                counters,
                name);
        this.lost = counters.counter(RelayCounters.LOST, name);
        this.repaired = counters.counter(RelayCounters.REPAIRED, name);
        this.unrecovered = counters.counter(RelayCounters.UNRECOVERED, name);
        this.nackedPackets = counters.counter(RelayCounters.NACKED_PACKETS, name);
        this.delivery = new RelayDelivery(name, silenceMs, control, owner::rejoin, this::lastSeqs, counters, clock);
        this.reportTimer = PeriodicTask.schedule(
                loop, "reports of stream " + name, LOG, this::sendReports, 5, 5, TimeUnit.SECONDS);
        this.lossTimer = PeriodicTask.schedule(
                loop, "repairs of stream " + name, LOG, this::requestRepairs, 5, 5, TimeUnit.MILLISECONDS);
        this.deliveryTimer = PeriodicTask.schedule(
                loop,
                "delivery path of stream " + name,
                LOG,
                () -> delivery.tick(plan != RelayPlan.NONE),
                DELIVERY_TICK_MS,
                DELIVERY_TICK_MS,
                TimeUnit.MILLISECONDS);
    }

    RelayFront front() {
        return front;
    }

    // --- Commands. ---

    /**
     * The tracks from now on: a track's pipeline is made with the first plan naming it, later ones
     * update it; the ladder of its layers goes to the fan-out.
     */
    void usePlan(RelayPlan next) {
        assert loop.inEventLoop();
        for (int slot = 0; slot < tracks.length; slot++) {
            Track t = next.track(slot);
            if (t == null) {
                continue;
            }
            if (tracks[slot] == null) {
                tracks[slot] = RelayTrack.assemble(
                        t,
                        indexes[slot],
                        t.isVideo() ? videoTimeline : new Timeline(t.clockRate()),
                        this::upstreamChanged);
            } else {
                tracks[slot].pipeline.use(t);
            }
        }
        if (repairs != null) {
            repairs.use(owner, plan, next);
        }
        plan = next;
        fanout.useLadder(next.ladder());
    }

    /** This stream's keys, after the published indexes (a context made for a key mid-stream starts at the ROC they give). */
    void useKeys(List<GroupKey> streamKeys, List<GroupKeys.StreamIndex> published) {
        assert loop.inEventLoop();
        advanceIndexes(published);
        front.useKeys(streamKeys);
    }

    /** Needs no plan: the first keys reach a new relay before its entry and before its groups are joined. */
    void advanceIndexes(List<GroupKeys.StreamIndex> published) {
        assert loop.inEventLoop();
        delivery.bridgeSeen();
        for (GroupKeys.StreamIndex i : published) {
            if (name.equals(i.stream())) {
                indexes[Track.slotOf(Track.Kind.of(i.kind()), i.layer())].advanceTo(i.ssrc(), i.index());
            }
        }
    }

    /** The groups were joined just now (a first join, or a move): silence counts from here. */
    void joined() {
        assert loop.inEventLoop();
        delivery.joined();
    }

    /** A keyframe of a video layer (by its slot) from the bridge. */
    void askForKeyframe(int slot) {
        assert loop.inEventLoop();
        if (slot >= 0 && slot < Track.MAX_LAYERS) {
            feedback.requestKeyframe(plan.track(slot), clock.getAsLong());
        }
    }

    // --- The media path. ---

    /** A datagram of one of the stream's groups. */
    void onGroupDatagram(byte[] buf, int off, int len, InetSocketAddress sender) {
        assert loop.inEventLoop();
        delivery.fromGroup(front.onDatagram(buf, off, len, plan, sink, delivery.twoPaths()));
    }

    /** A datagram from the bridge by unicast: a repair, or a copy of a group's while multicast does not reach us. */
    void onUnicastDatagram(byte[] buf, int off, int len, InetSocketAddress sender) {
        assert loop.inEventLoop();
        delivery.fromUnicast(front.onDatagram(buf, off, len, plan, sink, delivery.twoPaths()));
    }

    /** The last sequence number of each track slot this relay has (-1: none), for a copy's start. */
    private int[] lastSeqs() {
        int[] out = new int[Track.SLOTS];
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            long highest = indexes[slot].highest();
            out[slot] = highest < 0 ? -1 : (int) (highest & 0xFFFF);
        }
        return out;
    }

    /** The stream's delivery path, for the status. Any thread. */
    RelayDelivery.Status delivery() {
        return delivery.status();
    }

    /** What passes the front: media to the track's stages and on to the fan-out, sender reports to the tap. */
    private final class Sink implements RelayFront.Sink {
        @Override
        public void onRtp(int slot, RtpPacket rtp) {
            RelayTrack track = tracks[slot];
            long now = clock.getAsLong();
            if (track != null && track.pipeline.onRtp(rtp, now)) {
                fanout.onMedia(slot, rtp, now);
            }
        }

        @Override
        public void onRtcp(byte[] buf, int off, int len) {
            if (!rtcp.wrap(buf, off, len)) {
                return;
            }
            long now = clock.getAsLong();
            while (rtcp.next()) {
                int slot = rtcp.packetType() == RtcpPacket.SR ? plan.slotOf(rtcp.senderSsrc()) : -1;
                RelayTrack t = slot < 0 ? null : tracks[slot];
                if (t != null
                        && t.pipeline.onSenderReport(
                                rtcp.senderSsrc(), rtcp.srNtpTimestamp(), rtcp.srRtpTimestamp(), now)) {
                    fanout.onSenderReport(slot, t.senderReports.ntp(), t.senderReports.rtpTimestamp());
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
        LOG.info(
                "stream {}: the bridge's {} stream changed (SSRC {} -> {}); viewers continue on SSRC {}",
                name,
                Track.slotLabel(track.slot()),
                was,
                now,
                tracks[track.slot()].viewers.outSsrc());
        if (track.isVideo()) {
            askForKeyframe(track.slot());
        }
        fanout.onUpstreamChanged(track.slot());
    }

    private long highestKnown(long ssrc) {
        for (IndexTracking index : indexes) {
            if (index.ssrc() == ssrc) {
                return index.highest();
            }
        }
        return PacketIndex.UNKNOWN;
    }

    private int rolloverCounter(long ssrc, int seq) {
        for (IndexTracking index : indexes) {
            if (index.ssrc() == ssrc) {
                return index.rolloverCounter(seq);
            }
        }
        return 0;
    }

    /** The highest packet index known of a track slot. Written on the loop; any thread may read it. */
    long packetIndex(int slot) {
        return indexes[slot].highest();
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
        RelayTrack video = tracks[0];
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

    /** Runs of the timers that threw (each is logged, and the task goes on). */
    long taskFailures() {
        return reportTimer.failures() + lossTimer.failures() + deliveryTimer.failures();
    }

    /** Any thread: the timers stop and the stream's series leave the table; the rest ends on the loop. */
    void close() {
        reportTimer.cancel();
        lossTimer.cancel();
        deliveryTimer.cancel();
        front.close();
        for (SingleWriterCounter c : List.of(lost, repaired, unrecovered, nackedPackets)) {
            c.close();
        }
        delivery.close();
        loop.execute(this::closeOnLoop);
    }

    private void closeOnLoop() {
        front.closeKeys();
        if (repairs != null) {
            repairs.forget(owner);
        }
    }
}
