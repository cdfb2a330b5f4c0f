package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The viewers of one stream that one media loop owns (the loop whose socket their ICE checks
 * reach), and what serving them needs on that loop: each track's stages on the loop
 * ({@link ShardTrack}: the last second of packets for their NACKs, the latest keyframe for
 * joiners' primers, the sender-report mapping), the primer pacing and the back-pressure of the
 * loop's socket. Every method runs on the shard's loop only, so none of it takes a lock; the relay
 * reaches a shard on another loop through its inbox ({@link ShardedFanout}).
 */
final class ViewerShard {
    private final EventLoop loop;
    private final Channel channel;
    private final OutboundBudget budget;
    private final LongSupplier clock;
    /** Replaced, never changed, on the loop; volatile for {@link #closeAll}. */
    private volatile ViewerSession[] viewers = new ViewerSession[0];
    /** By {@link Track.Kind} ordinal. */
    private final ShardTrack[] tracks = new ShardTrack[Track.Kind.COUNT];
    private final ShardTrack video;
    private final RtpPacket resend = new RtpPacket();
    private final byte[] resendScratch = new byte[1500];
    private final RtpPacket primer = new RtpPacket();
    private final byte[] primerScratch = new byte[1500];
    private volatile int viewerCount;
    /**
     * Primers at most 4,000 packets a second per loop (~40 Mbit/s of 1200-byte packets), bursts of
     * 400: a join burst's keyframes are spread out; a joiner waiting over 500 ms gets the live one.
     */
    private final PrimerPacer<ViewerSession> primers;
    private final Consumer<ViewerSession> prime = this::prime;
    // This loop's cells of the stream's series in the table ({@link RelayCounters}): written on the loop only.
    private final SingleWriterCounter keyframesToJoiners;
    private final SingleWriterCounter viewerNacks;
    private final SingleWriterCounter viewerRetransmissions;
    private final SingleWriterCounter delivered;
    private final SingleWriterCounter primersPaced;
    private final SingleWriterCounter primersExpired;

    /** @param counters the process's table: this loop's cells of the stream's series (closed by {@link #closeCounters}) */
    ViewerShard(EventLoop loop, Channel channel, LongSupplier clock, CounterTable counters, String stream) {
        this.loop = loop;
        this.channel = channel;
        this.budget = new OutboundBudget(channel);
        this.clock = clock;
        this.keyframesToJoiners = counters.cell(RelayCounters.KEYFRAMES_TO_JOINERS, stream);
        this.viewerNacks = counters.cell(RelayCounters.VIEWER_NACKS, stream);
        this.viewerRetransmissions = counters.cell(RelayCounters.VIEWER_RETRANSMISSIONS, stream);
        this.delivered = counters.cell(RelayCounters.VIEWER_PACKETS_DELIVERED, stream);
        for (Track.Kind kind : Track.Kind.values()) {
            tracks[kind.ordinal()] = ShardTrack.assemble(kind,
                    counters.cell(RelayCounters.VIEWER_PACKETS_DROPPED, "socket_busy_" + kind.label()));
        }
        this.video = tracks[Track.Kind.VIDEO.ordinal()];
        this.primersPaced = counters.cell(RelayCounters.PRIMERS_PACED, stream);
        this.primersExpired = counters.cell(RelayCounters.PRIMERS_EXPIRED, stream);
        this.primers = new PrimerPacer<>(4000, 400, TimeUnit.MILLISECONDS.toNanos(500), clock.getAsLong(),
                primersPaced, primersExpired);
    }

    EventLoop loop() {
        return loop;
    }

    long now() {
        return clock.getAsLong();
    }

    private void checkLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("viewer shard used off its media loop");
        }
    }

    /** One packet of the relay's stream to this shard's viewers, flushed to the socket. */
    void onMedia(Track.Kind kind, RtpPacket rtp, long now) {
        assert loop.inEventLoop() : "viewer shard used off its media loop";
        ShardTrack track = tracks[kind.ordinal()];
        track.onMedia(rtp, now);
        if (primers.waiting() > 0) {
            primers.run(video.keyframePackets(), now, prime);
        }
        ViewerSession[] targets = viewers;
        if (targets.length == 0) {
            return;
        }
        if (!budget.allows(kind)) {
            track.droppedBusy.add(targets.length);
            return;
        }
        int seq = rtp.sequenceNumber();
        for (ViewerSession v : targets) {
            v.forward(kind, rtp, seq);
        }
        delivered.add(targets.length);
        // One flush per packet: its copies to all of the shard's viewers leave in sendmmsg batches, and
        // the socket's back-pressure above is judged on what the kernel has not taken, not on our batch.
        channel.flush();
    }

    void flush() {
        if (viewers.length > 0) {
            channel.flush();
        }
    }

    void onSenderReport(Track.Kind kind, long ntp, long rtpTimestamp) {
        tracks[kind.ordinal()].onSenderReport(ntp, rtpTimestamp);
    }

    /** The old upstream's keyframe and sender-report timing no longer fit the viewers' stream. */
    void onUpstreamChanged(Track.Kind kind) {
        tracks[kind.ordinal()].onUpstreamChanged(clock.getAsLong());
    }

    /** A viewer whose session connected on this shard's loop: it is served, and primed when its turn comes ({@link PrimerPacer}). */
    void add(ViewerSession viewer) {
        checkLoop();
        ViewerSession[] next = Arrays.copyOf(viewers, viewers.length + 1);
        next[next.length - 1] = viewer;
        viewers = next;
        viewerCount = next.length;
        if (video.keyframePackets() > 0) {
            primers.offer(viewer, video.keyframePackets(), clock.getAsLong(), prime);
        }
    }

    void remove(ViewerSession viewer) {
        checkLoop();
        ViewerSession[] next = Arrays.stream(viewers).filter(v -> v != viewer).toArray(ViewerSession[]::new);
        viewers = next;
        viewerCount = next.length;
        primers.remove(viewer);
    }

    /** Ends every viewer's session (the stream left the catalog, or the gateway stops). Any thread. */
    void closeAll(String reason) {
        for (ViewerSession v : viewers) {
            if (v.peer() != null) {
                v.peer().close(reason);
            }
        }
    }

    int viewerCount() {
        return viewerCount;
    }

    /**
     * Starts a new viewer with the latest complete keyframe, numbered just after the live stream's
     * latest packet and stamped just before the latest frame's time; this viewer's live packets then
     * come shifted by the primer's length ({@link ViewerNumbering}), so no number carries two
     * contents. The viewer shows a picture at once; the keyframe request that the join also makes
     * brings the live picture.
     */
    private void prime(ViewerSession viewer) {
        int n = video.keyframePackets();
        if (n == 0) {
            return;
        }
        int first = viewer.numbering(Track.Kind.VIDEO).primeAfter(video.lastSeq, n);
        for (int i = 0; i < n; i++) {
            System.arraycopy(video.keyframes.packet(i), 0, primerScratch, 0, video.keyframes.length(i));
            if (!primer.wrap(primerScratch, 0, video.keyframes.length(i))) {
                return;
            }
            primer.setSequenceNumber((first + i) & 0xFFFF);
            // Just before the live frame in flight, so the keyframe is complete and in order on its own.
            primer.setTimestamp((video.lastTimestamp - 1) & 0xFFFFFFFFL);
            viewer.sendPrimer(primer);
        }
        channel.flush();
        keyframesToJoiners.increment();
    }

    /** A viewer lost a packet on its own link: resend it from the cache to that viewer alone. */
    void onViewerNack(ViewerSession viewer, long mediaSsrc, int seq) {
        checkLoop();
        viewerNacks.increment();
        ShardTrack track = trackOf(mediaSsrc);
        if (track == null) {
            return;
        }
        int relaySeq = viewer.numbering(track.kind).toRelay(seq);
        if (relaySeq < 0) {
            return; // a primer packet: its content is not in the cache under any number
        }
        int n = track.repairs.get(relaySeq, clock.getAsLong(), resendScratch, 0);
        if (n > 0 && resend.wrap(resendScratch, 0, n)) {
            viewer.resend(track.kind, resend, relaySeq);
            viewerRetransmissions.increment();
        }
    }

    private ShardTrack trackOf(long ssrc) {
        for (ShardTrack t : tracks) {
            if (t.ssrc == ssrc && ssrc >= 0) {
                return t;
            }
        }
        return null;
    }

    /** Sender reports to every viewer of the shard, so browsers can sync audio and video. Once a second. */
    void sendReports() {
        ViewerSession[] targets = viewers;
        for (ViewerSession v : targets) {
            for (ShardTrack t : tracks) {
                if (t.srNtp >= 0 && t.ssrc >= 0) {
                    v.sendReport(t.kind, t.ssrc, t.srNtp, t.srRtp);
                }
            }
        }
        flush();
    }

    /** For tests: the cached video packet of this number (relay numbering), its length or 0. Shard's loop. */
    int cachedVideo(int seq, byte[] out) {
        return video.repairs.get(seq, clock.getAsLong(), out, 0);
    }

    long keyframesToJoiners() {
        return keyframesToJoiners.get();
    }

    long viewerNacks() {
        return viewerNacks.get();
    }

    long viewerRetransmissions() {
        return viewerRetransmissions.get();
    }

    /** Packets handed to viewers' sessions on this loop (one per viewer per packet). Any thread. */
    long delivered() {
        return delivered.get();
    }

    /** Viewer packets of a kind this loop did not send because its socket could not take them. Any thread. */
    long droppedBusy(Track.Kind kind) {
        return tracks[kind.ordinal()].droppedBusy.get();
    }

    /** Joiners whose primer waited for the loop's primer budget, and those that waited too long for one. Any thread. */
    long primersPaced() {
        return primersPaced.get();
    }

    long primersExpired() {
        return primersExpired.get();
    }

    /** This loop's cells leave the stream's series (their counts stay in its sums while the series lasts). */
    void closeCounters() {
        for (SingleWriterCounter c : new SingleWriterCounter[] {keyframesToJoiners, viewerNacks, viewerRetransmissions,
                delivered, primersPaced, primersExpired}) {
            c.close();
        }
        for (ShardTrack t : tracks) {
            t.droppedBusy.close();
        }
    }
}
