package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.KeyframeCache;
import dev.lancast.rtc.rtp.PacketCache;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.SequenceNumbers;
import io.netty.channel.EventLoop;
import io.netty.channel.Channel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The viewers of one stream that one media loop owns (the loop whose socket their ICE checks
 * reach), and what serving them needs on that loop: the last second of packets for their NACKs,
 * the latest keyframe for joiners' primers, the sender-report mapping, and the back-pressure of the
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
    /** Plain packets of the last second, for viewers' NACKs: one viewer's Wi-Fi loss costs no multicast. */
    private final PacketCache videoCache = new PacketCache(512, 1500, TimeUnit.SECONDS.toNanos(1));
    private final PacketCache audioCache = new PacketCache(128, 1500, TimeUnit.SECONDS.toNanos(1));
    private final KeyframeCache keyframe = new KeyframeCache();
    private final RtpPacket resend = new RtpPacket();
    private final byte[] resendScratch = new byte[1500];
    private final RtpPacket primer = new RtpPacket();
    private final byte[] primerScratch = new byte[1500];
    private int lastVideoSeq = -1;
    private long lastVideoTs;
    /** The viewers' SSRC of each track (0 video, 1 audio), as the relay's packets carry it; -1 before the first. */
    private final long[] ssrcs = {-1, -1};
    private final long[] srNtp = {-1, -1};
    private final long[] srRtp = new long[2];
    private volatile int viewerCount;
    /**
     * Primers at most 4,000 packets a second per loop (~40 Mbit/s of 1200-byte packets), bursts of
     * 400: a join burst's keyframes are spread out; a joiner waiting over 500 ms gets the live one.
     */
    private final PrimerPacer<ViewerSession> primers;
    private final java.util.function.Consumer<ViewerSession> prime = this::prime;
    // This loop's cells of the stream's series in the table ({@link RelayCounters}): written on the loop only.
    private final SingleWriterCounter keyframesToJoiners;
    private final SingleWriterCounter viewerNacks;
    private final SingleWriterCounter viewerRetransmissions;
    private final SingleWriterCounter delivered;
    private final SingleWriterCounter videoDroppedBusy;
    private final SingleWriterCounter audioDroppedBusy;
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
        this.videoDroppedBusy = counters.cell(RelayCounters.VIEWER_PACKETS_DROPPED, "socket_busy_video");
        this.audioDroppedBusy = counters.cell(RelayCounters.VIEWER_PACKETS_DROPPED, "socket_busy_audio");
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
    void onMedia(boolean isVideo, boolean startsKeyframe, RtpPacket rtp, long now) {
        assert loop.inEventLoop() : "viewer shard used off its media loop";
        int seq = rtp.sequenceNumber();
        ssrcs[isVideo ? 0 : 1] = rtp.ssrc();
        (isVideo ? videoCache : audioCache).put(seq, rtp.buffer(), rtp.offset(), rtp.length(), now);
        if (isVideo) {
            keyframe.onPacket(rtp, startsKeyframe);
            if (lastVideoSeq < 0 || SequenceNumbers.isNewer(seq, lastVideoSeq)) {
                lastVideoSeq = seq;
                lastVideoTs = rtp.timestamp();
            }
        }
        if (primers.waiting() > 0) {
            primers.run(keyframe.count(), now, prime);
        }
        ViewerSession[] targets = viewers;
        if (targets.length == 0) {
            return;
        }
        if (!(isVideo ? budget.video() : budget.audio())) {
            (isVideo ? videoDroppedBusy : audioDroppedBusy).add(targets.length);
            return;
        }
        for (ViewerSession v : targets) {
            v.forward(isVideo, rtp, seq);
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

    void onSenderReport(boolean isVideo, long ntp, long rtpTimestamp) {
        srNtp[isVideo ? 0 : 1] = ntp;
        srRtp[isVideo ? 0 : 1] = rtpTimestamp;
    }

    /** The old upstream's keyframe and sender-report timing no longer fit the viewers' stream. */
    void onUpstreamChanged(boolean isVideo) {
        if (isVideo) {
            keyframe.reset();
        }
        srNtp[isVideo ? 0 : 1] = -1;
    }

    /** A viewer whose session connected on this shard's loop: it is served, and primed when its turn comes ({@link PrimerPacer}). */
    void add(ViewerSession viewer) {
        checkLoop();
        ViewerSession[] next = Arrays.copyOf(viewers, viewers.length + 1);
        next[next.length - 1] = viewer;
        viewers = next;
        viewerCount = next.length;
        if (keyframe.count() > 0 && lastVideoSeq >= 0) {
            primers.offer(viewer, keyframe.count(), clock.getAsLong(), prime);
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
        channel.flush();
        keyframesToJoiners.increment();
    }

    /** A viewer lost a packet on its own link: resend it from the cache to that viewer alone. */
    void onViewerNack(ViewerSession viewer, long mediaSsrc, int seq) {
        checkLoop();
        viewerNacks.increment();
        boolean isVideo = mediaSsrc == ssrcs[0];
        if (!isVideo && mediaSsrc != ssrcs[1]) {
            return;
        }
        int relaySeq = isVideo ? viewer.numbering().toRelay(seq) : seq;
        if (relaySeq < 0) {
            return; // a primer packet: its content is not in the cache under any number
        }
        int n = (isVideo ? videoCache : audioCache).get(relaySeq, clock.getAsLong(), resendScratch, 0);
        if (n > 0 && resend.wrap(resendScratch, 0, n)) {
            viewer.forward(isVideo, resend, relaySeq);
            viewerRetransmissions.increment();
        }
    }

    /** Sender reports to every viewer of the shard, so browsers can sync audio and video. Once a second. */
    void sendReports() {
        ViewerSession[] targets = viewers;
        for (ViewerSession v : targets) {
            for (int t = 0; t < 2; t++) {
                if (srNtp[t] >= 0 && ssrcs[t] >= 0) {
                    v.sendReport(t == 0, ssrcs[t], srNtp[t], srRtp[t]);
                }
            }
        }
        flush();
    }

    /** For tests: the cached video packet of this number (relay numbering), its length or 0. Shard's loop. */
    int cachedVideo(int seq, byte[] out) {
        return videoCache.get(seq, clock.getAsLong(), out, 0);
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

    /** Viewer packets this loop did not send because its socket could not take them. Any thread. */
    long droppedBusy(boolean video) {
        return (video ? videoDroppedBusy : audioDroppedBusy).get();
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
                delivered, videoDroppedBusy, audioDroppedBusy, primersPaced, primersExpired}) {
            c.close();
        }
    }
}
