package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How one media loop starts its stream's joiners with a picture: each joiner gets the latest
 * complete keyframe of its layer from the loop's cache at once, or when the loop's primer budget
 * allows ({@link PrimerPacer}). A loop that opens for its first viewer ({@link ShardInbox}) has
 * nothing cached yet: its joiners wait for the seed from the relay's loop, which this class also
 * writes when its loop is the relay's ({@link #seed}). The shard's loop only.
 */
final class JoinerPrimers {
    private final Channel channel;
    /** The shard's tracks, by slot (shared with it, read here). */
    private final ShardTrack[] tracks;

    private final RtpPacket primer = new RtpPacket();
    private final byte[] primerScratch = new byte[1500];
    /**
     * Primers at most 4,000 packets a second per loop (~40 Mbit/s of 1200-byte packets), bursts of
     * 400: a join burst's keyframes are spread out; a joiner waiting over 500 ms gets the live one.
     */
    private final PrimerPacer<ViewerSession> pacer;

    private final Consumer<ViewerSession> prime = this::prime;
    // This loop's cells of the stream's series in the table ({@link RelayCounters}).
    private final SingleWriterCounter keyframesToJoiners;
    private final SingleWriterCounter paced;
    private final SingleWriterCounter expired;
    /** The loop was opened and its seed has not come yet: joiners are primed when it does. */
    private boolean seeding;

    /** @param counters the process's table: this loop's cells of the stream's series (closed by {@link #closeCounters}) */
    JoinerPrimers(Channel channel, ShardTrack[] tracks, long nowNanos, CounterTable counters, String stream) {
        this.channel = channel;
        this.tracks = tracks;
        this.keyframesToJoiners = counters.cell(RelayCounters.KEYFRAMES_TO_JOINERS, stream);
        this.paced = counters.cell(RelayCounters.PRIMERS_PACED, stream);
        this.expired = counters.cell(RelayCounters.PRIMERS_EXPIRED, stream);
        this.pacer = new PrimerPacer<>(4000, 400, TimeUnit.MILLISECONDS.toNanos(500), nowNanos, paced, expired);
    }

    /** A joiner on a layer (slot): primed now, or when its turn or the seed comes. */
    void onJoin(ViewerSession viewer, int slot, long nowNanos) {
        if (!seeding && tracks[slot].keyframePackets() > 0) {
            pacer.offer(viewer, tracks[slot].keyframePackets(), nowNanos, prime);
        }
    }

    /** Joiners wait for their turn. */
    boolean waiting() {
        return pacer.waiting() > 0;
    }

    /** A packet came: the joiners whose turn it is now get theirs (the default layer's keyframe is the cost). */
    void onMedia(ShardTrack primerTrack, long nowNanos) {
        pacer.run(primerTrack.keyframePackets(), nowNanos, prime);
    }

    /** The loop was asked to open: nothing is cached here until the seed comes. */
    void awaitSeed() {
        seeding = true;
    }

    /** The seed is in: the viewers that came before it get their primers (paced as any joiner's). */
    void onSeeded(ViewerSession[] viewers, long nowNanos) {
        seeding = false;
        for (ViewerSession v : viewers) {
            int slot = v.video.slot();
            if (slot >= 0) {
                onJoin(v, slot, nowNanos);
            }
        }
    }

    void remove(ViewerSession viewer) {
        pacer.remove(viewer);
    }

    /**
     * The relay's loop (these are the relay's own shard's tracks): seeds another loop that is about
     * to serve its first viewer with what is cached here, each track's keyframe, then its position.
     */
    void seed(ShardInbox into) {
        for (ShardTrack track : tracks) {
            if (track.lastSeq < 0) {
                continue;
            }
            int n = track.keyframePackets();
            for (int i = 0; i < n; i++) {
                if (!into.offerSeed(track.slot, track.keyframes.packet(i), track.keyframes.length(i), i == 0)) {
                    break;
                }
            }
            into.offerTrackState(track.slot, track.ssrc, track.lastSeq, track.lastTimestamp, track.srNtp, track.srRtp);
        }
    }

    /**
     * Starts a new viewer with the latest complete keyframe, numbered just after the live stream's
     * latest packet and stamped just before the latest frame's time; this viewer's live packets then
     * come shifted by the primer's length ({@link ViewerNumbering}), so no number carries two
     * contents. The viewer shows a picture at once; the keyframe request that the join also makes
     * brings the live picture.
     */
    private void prime(ViewerSession viewer) {
        int slot = viewer.video.slot();
        ShardTrack video = tracks[Math.max(0, slot)];
        int n = video.keyframePackets();
        if (n == 0 || slot < 0) {
            return;
        }
        int first = viewer.video.primeAfter(video.lastSeq, video.lastTimestamp, n);
        for (int i = 0; i < n; i++) {
            System.arraycopy(video.keyframes.packet(i), 0, primerScratch, 0, video.keyframes.length(i));
            if (!primer.wrap(primerScratch, 0, video.keyframes.length(i))) {
                return;
            }
            primer.setSequenceNumber((first + i) & 0xFFFF);
            primer.setSsrc(viewer.videoSsrc());
            // Just before the live frame in flight, so the keyframe is complete and in order on its own.
            primer.setTimestamp((video.lastTimestamp - 1) & 0xFFFFFFFFL);
            viewer.sendVideo(primer, false);
        }
        channel.flush();
        keyframesToJoiners.increment();
    }

    /** Joiners started with the cached keyframe. Any thread. */
    long keyframesToJoiners() {
        return keyframesToJoiners.get();
    }

    /** Joiners whose primer waited for the loop's primer budget. Any thread. */
    long paced() {
        return paced.get();
    }

    /** Joiners that waited too long for one. Any thread. */
    long expired() {
        return expired.get();
    }

    void closeCounters() {
        keyframesToJoiners.close();
        paced.close();
        expired.close();
    }
}
