package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The viewers of one stream that one media loop owns (the loop whose socket their ICE checks
 * reach), and what serving them needs on that loop: each track's stages on the loop
 * ({@link ShardTrack}, per slot: the last second of packets for their NACKs, the latest keyframe
 * for joiners' primers, a video layer's group of pictures for switches, the sender-report
 * mapping), which viewer is on which video layer ({@link LayerRouter}), the joiners' primers
 * ({@link JoinerPrimers}) and the back-pressure of the loop's socket. Every method runs on the shard's loop only, so none of it
 * takes a lock; the relay reaches a shard on another loop through its inbox ({@link ShardedFanout}).
 */
final class ViewerShard {
    private final EventLoop loop;
    private final Channel channel;
    private final OutboundBudget budget;
    private final LongSupplier clock;
    /** Replaced, never changed, on the loop; volatile for {@link #closeAll}. */
    private volatile ViewerSession[] viewers = new ViewerSession[0];
    /** By track slot: the video layers, audio. */
    private final ShardTrack[] tracks = new ShardTrack[Track.SLOTS];

    private final ShardTrack audio;
    private final LayerRouter layers;
    private final PacketFacts resendFacts = new PacketFacts();
    private final RtpPacket resend = new RtpPacket();
    private final byte[] resendScratch = new byte[1500];
    private volatile int viewerCount;
    // This loop's cells of the stream's series in the table ({@link RelayCounters}): written on the loop only.
    private final SingleWriterCounter viewerNacks;
    private final SingleWriterCounter viewerRetransmissions;
    private final SingleWriterCounter delivered;
    private final JoinerPrimers primers;
    /**
     * Null on the relay's loop (fed directly); else this loop's inbox, shut until the first viewer
     * ({@link ShardInbox}). Set once, before the shard is used.
     */
    private ShardInbox inbox;
    /** The loop's caches are fed (the relay's loop, or an opened inbox). Shard's loop. */
    private boolean fed = true;

    /**
     * @param index    the shard's place among the stream's shards (for the layers its viewers need)
     * @param counters the process's table: this loop's cells of the stream's series (closed by {@link #closeCounters})
     */
    ViewerShard(int index, EventLoop loop, Channel channel, LongSupplier clock, CounterTable counters, String stream) {
        this.loop = loop;
        this.channel = channel;
        this.budget = new OutboundBudget(channel);
        this.clock = clock;
        this.viewerNacks = counters.cell(RelayCounters.VIEWER_NACKS, stream);
        this.viewerRetransmissions = counters.cell(RelayCounters.VIEWER_RETRANSMISSIONS, stream);
        this.delivered = counters.cell(RelayCounters.VIEWER_PACKETS_DELIVERED, stream);
        SingleWriterCounter videoBusy = counters.cell(RelayCounters.VIEWER_PACKETS_DROPPED, "socket_busy_video");
        SingleWriterCounter audioBusy = counters.cell(RelayCounters.VIEWER_PACKETS_DROPPED, "socket_busy_audio");
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            tracks[slot] = ShardTrack.assemble(slot, slot == Track.AUDIO_SLOT ? audioBusy : videoBusy);
        }
        this.audio = tracks[Track.AUDIO_SLOT];
        this.layers = new LayerRouter(index, clock, tracks);
        this.primers = new JoinerPrimers(channel, tracks, clock.getAsLong(), counters, stream);
    }

    EventLoop loop() {
        return loop;
    }

    /** This shard is reached through an inbox (it is not on the relay's loop): fed from its first viewer on. */
    void feedThrough(ShardInbox shut) {
        this.inbox = shut;
        this.fed = false;
    }

    long now() {
        return clock.getAsLong();
    }

    private void checkLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("viewer shard used off its media loop");
        }
    }

    /**
     * One packet of the relay's stream (a track slot's) to this shard's viewers, flushed to the
     * socket: audio to every viewer, a video layer's to the viewers on that layer.
     */
    void onMedia(int slot, RtpPacket rtp, long now) {
        assert loop.inEventLoop() : "viewer shard used off its media loop";
        ShardTrack track = tracks[slot];
        track.onMedia(rtp, now);
        if (primers.waiting()) {
            primers.onMedia(primerTrack(), now);
        }
        ViewerSession[] targets = viewers;
        if (targets.length == 0) {
            return;
        }
        if (!budget.allows(track.kind)) {
            track.droppedBusy.add(slot == Track.AUDIO_SLOT ? targets.length : layers.viewersOn(slot));
            return;
        }
        int sent;
        if (slot == Track.AUDIO_SLOT) {
            int seq = rtp.sequenceNumber();
            for (ViewerSession v : targets) {
                v.forwardAudio(rtp, seq);
            }
            sent = targets.length;
        } else {
            sent = layers.onVideo(slot, rtp);
        }
        if (sent == 0) {
            return;
        }
        delivered.add(sent);
        // One flush per packet: its copies to all of the shard's viewers leave in sendmmsg batches, and
        // the socket's back-pressure above is judged on what the kernel has not taken, not on our batch.
        channel.flush();
    }

    /** The track whose keyframe primes joiners by default: the top layer (the one automatic joiners start on). */
    private ShardTrack primerTrack() {
        LayerLadder ladder = layers.ladder();
        return tracks[
                ladder.rungs().isEmpty() ? 0 : ladder.rungs().get(ladder.top()).slot()];
    }

    void flush() {
        if (viewers.length > 0) {
            channel.flush();
        }
    }

    void onSenderReport(int slot, long ntp, long rtpTimestamp) {
        tracks[slot].onSenderReport(ntp, rtpTimestamp);
    }

    /** The old upstream's keyframe and sender-report timing no longer fit the viewers' stream. */
    void onUpstreamChanged(int slot) {
        tracks[slot].onUpstreamChanged(clock.getAsLong());
    }

    /** The stream's active layers from now on. */
    void useLadder(LayerLadder ladder) {
        checkLoop();
        layers.useLadder(ladder);
    }

    /** The stream's relay: where this shard says which layers its viewers need, and asks for keyframes. Any thread. */
    void useRelay(LayerDemand demand, IntConsumer keyframeRequest) {
        if (loop.inEventLoop()) {
            layers.useRelay(demand, keyframeRequest);
        } else {
            loop.execute(() -> layers.useRelay(demand, keyframeRequest));
        }
    }

    /** Every 250 ms: each viewer's layer (its choice, or its feedback's). */
    void evaluateLayers() {
        layers.evaluate(clock.getAsLong());
    }

    /** Viewers on a video layer (slot) now. Any thread (a snapshot). */
    int viewersOn(int slot) {
        return layers.viewersOnNow(slot);
    }

    /** Packets of a layer's cached group a switch could replay now (0: none). Any thread (a snapshot). */
    int replayable(int slot) {
        return layers.replayableNow(slot);
    }

    /** Switches from the cache (no keyframe asked for). Any thread (a snapshot). */
    long switchesFromCache() {
        return layers.switchesFromCache();
    }

    /** Switches at a live keyframe (asked for). Any thread (a snapshot). */
    long switchesAtKeyframe() {
        return layers.switchesAtKeyframe();
    }

    /**
     * A viewer whose session connected on this shard's loop: it is served on its starting layer
     * (whose keyframe is asked for), and primed when its turn comes ({@link JoinerPrimers}).
     */
    void add(ViewerSession viewer) {
        checkLoop();
        ViewerSession[] next = Arrays.copyOf(viewers, viewers.length + 1);
        next[next.length - 1] = viewer;
        viewers = next;
        viewerCount = next.length;
        if (!fed) {
            fed = true;
            primers.awaitSeed();
            inbox.requestOpen();
        }
        long now = clock.getAsLong();
        primers.onJoin(viewer, layers.join(viewer, now), now);
    }

    void onSeedPacket(int slot, RtpPacket rtp, long now) {
        tracks[slot].onSeedPacket(rtp, now);
    }

    void onTrackState(int slot, long ssrc, int lastSeq, long lastTimestamp, long srNtp, long srRtp) {
        tracks[slot].takeState(ssrc, lastSeq, lastTimestamp, srNtp, srRtp);
    }

    /** The relay's loop (this shard is the relay's own): seeds another loop's shard at its first viewer. */
    void seed(ShardInbox into) {
        checkLoop();
        primers.seed(into);
    }

    /** The seed is in: the viewers that came before it get their primers. */
    void onSeeded() {
        primers.onSeeded(viewers, clock.getAsLong());
    }

    void remove(ViewerSession viewer) {
        checkLoop();
        ViewerSession[] next = Arrays.stream(viewers).filter(v -> v != viewer).toArray(ViewerSession[]::new);
        viewers = next;
        viewerCount = next.length;
        primers.remove(viewer);
        layers.remove(viewer);
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
     * A viewer lost a packet on its own link: resend it from the cache to that viewer alone, as the
     * very bytes it was sent (video: the layer, number and rewriting its log gives).
     */
    void onViewerNack(ViewerSession viewer, long mediaSsrc, int seq) {
        checkLoop();
        viewerNacks.increment();
        if (mediaSsrc == viewer.videoSsrc()) {
            int sent = viewer.video.sentAs(seq);
            if (sent < 0) {
                return; // a primer packet, a thinned number, or one too old: nothing to send under it
            }
            ShardTrack track = tracks[sent >>> 16];
            int n = track.repairs.get(sent & 0xFFFF, clock.getAsLong(), resendScratch, 0);
            if (n > 0 && resend.wrap(resendScratch, 0, n)) {
                resendFacts.read(
                        resend, layers.ladder().layered() && layers.ladder().vp8());
                viewer.video.rewriteAsSent(resend, resendFacts, seq, viewer.videoSsrc());
                viewer.sendVideo(resend, true);
                viewerRetransmissions.increment();
            }
        } else if (mediaSsrc == audio.ssrc && mediaSsrc >= 0) {
            int relaySeq = viewer.audioNumbering().toRelay(seq);
            int n = relaySeq < 0 ? -1 : audio.repairs.get(relaySeq, clock.getAsLong(), resendScratch, 0);
            if (n > 0 && resend.wrap(resendScratch, 0, n)) {
                viewer.resendAudio(resend, relaySeq);
                viewerRetransmissions.increment();
            }
        }
    }

    /**
     * Sender reports to every viewer of the shard, so browsers can sync audio and video. Once a
     * second. The video layers are on one timeline, so any layer's mapping is the viewer's (its
     * own layer's first), with the viewer's timestamp shift.
     */
    void sendReports() {
        ViewerSession[] targets = viewers;
        for (ViewerSession v : targets) {
            ShardTrack video = videoMapping(v.video.slot());
            if (video != null) {
                v.sendReport(
                        Track.Kind.VIDEO,
                        v.videoSsrc(),
                        video.srNtp,
                        (video.srRtp + v.video.timestampShift()) & 0xFFFFFFFFL);
            }
            if (audio.srNtp >= 0 && audio.ssrc >= 0) {
                v.sendReport(Track.Kind.AUDIO, audio.ssrc, audio.srNtp, audio.srRtp);
            }
        }
        flush();
    }

    private ShardTrack videoMapping(int preferred) {
        if (preferred >= 0 && tracks[preferred].srNtp >= 0) {
            return tracks[preferred];
        }
        for (int slot = 0; slot < Track.MAX_LAYERS; slot++) {
            if (tracks[slot].srNtp >= 0) {
                return tracks[slot];
            }
        }
        return null;
    }

    /** For tests: packets of the keyframe cached for joiners on a track (slot), 0 when none. Shard's loop. */
    int cachedKeyframePackets(int slot) {
        return tracks[slot].keyframePackets();
    }

    /** For tests: the cached video packet of this number (relay numbering of layer 0), its length or 0. Shard's loop. */
    int cachedVideo(int seq, byte[] out) {
        return tracks[0].repairs.get(seq, clock.getAsLong(), out, 0);
    }

    long keyframesToJoiners() {
        return primers.keyframesToJoiners();
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
        return tracks[Track.slotOf(kind, 0)].droppedBusy.get();
    }

    /** Joiners whose primer waited for the loop's primer budget, and those that waited too long for one. Any thread. */
    long primersPaced() {
        return primers.paced();
    }

    long primersExpired() {
        return primers.expired();
    }

    /** This loop's cells leave the stream's series (their counts stay in its sums while the series lasts). */
    void closeCounters() {
        for (SingleWriterCounter c : new SingleWriterCounter[] {viewerNacks, viewerRetransmissions, delivered}) {
            c.close();
        }
        primers.closeCounters();
        tracks[0].droppedBusy.close();
        audio.droppedBusy.close();
    }
}
