package dev.lancast.gateway.relay;

import dev.lancast.rtc.media.GopCache;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A viewer shard's video: which of its viewers are on which layer (track slot), and the switches
 * between layers. Each video packet goes to the viewers on its layer only ({@link ViewerVideo}
 * numbers and thins it per viewer), so a layer costs nothing to the viewers of the others. A
 * viewer moved to another layer is switched at a keyframe of that layer: at once from the shard's
 * cached group of pictures when it is whole (the keyframe and every packet since, replayed to the
 * viewer, decoded up to the live edge without a keyframe request), else at the layer's next live
 * keyframe, which is asked for; while it waits, a viewer going down has its current layer thinned
 * to the base temporal layer, the fastest step down there is. Each shard publishes which layers its
 * viewers need ({@link LayerDemand}), so the gateway joins only those groups. The shard's loop only.
 */
final class LayerRouter {
    private static final Logger LOG = LoggerFactory.getLogger(LayerRouter.class);
    /** A switch waiting this long for a keyframe asks for one again. */
    static final long REASK_NANOS = 1_000_000_000L;
    /** A cached group longer than this is not replayed (the viewer waits for a live keyframe instead). */
    static final int MAX_REPLAY = GopCache.MAX_PACKETS;
    /**
     * Going down, a group is replayed only when this short: a viewer moved down is short of
     * bandwidth, and a burst of the group would lose more (it waits for the live keyframe, its
     * current layer thinned to the base temporal layer meanwhile).
     */
    static final int MAX_REPLAY_DOWN = 40;

    private final int shardIndex;
    private final LongSupplier clock;
    private final ShardTrack[] tracks;
    /** Asks the relay for a keyframe of a layer (slot). */
    private IntConsumer keyframeRequest = slot -> {};
    /** By video slot: the viewers on the layer, and those waiting for a keyframe of it. Replaced, never changed. */
    private final ViewerSession[][] on = new ViewerSession[Track.MAX_LAYERS][];

    private final ViewerSession[][] waiting = new ViewerSession[Track.MAX_LAYERS][];
    private final PacketFacts facts = new PacketFacts();
    private final PacketFacts replayFacts = new PacketFacts();
    private final RtpPacket replay = new RtpPacket();
    private final byte[] replayScratch = new byte[1500];
    private LayerLadder ladder = LayerLadder.NONE;
    private LayerDemand demand;
    private int published = -1;
    /** By video slot: viewers on the layer, for any thread (status). */
    private final AtomicIntegerArray counts = new AtomicIntegerArray(Track.MAX_LAYERS);
    /** By video slot: packets of the cached group a switch could replay now (0: none), as of the last evaluation. */
    private final AtomicIntegerArray replayable = new AtomicIntegerArray(Track.MAX_LAYERS);

    private volatile long switchesFromCache;
    private volatile long switchesAtKeyframe;

    LayerRouter(int shardIndex, LongSupplier clock, ShardTrack[] tracks) {
        this.shardIndex = shardIndex;
        this.clock = clock;
        this.tracks = tracks;
        Arrays.fill(on, new ViewerSession[0]);
        Arrays.fill(waiting, new ViewerSession[0]);
    }

    void useRelay(LayerDemand next, IntConsumer keyframes) {
        demand = next;
        keyframeRequest = keyframes;
        published = -1;
        publishNeeds();
    }

    LayerLadder ladder() {
        return ladder;
    }

    /** The viewers on a layer (slot). Shard's loop. */
    int viewersOn(int slot) {
        return on[slot].length;
    }

    /** The same, from any thread (a snapshot). */
    int viewersOnNow(int slot) {
        return counts.get(slot);
    }

    /** Packets of a layer's cached group a switch could replay, as of the last evaluation. Any thread. */
    int replayableNow(int slot) {
        return replayable.get(slot);
    }

    /** Switches made from the cache (no keyframe asked for), and at a live keyframe. */
    long switchesFromCache() {
        return switchesFromCache;
    }

    long switchesAtKeyframe() {
        return switchesAtKeyframe;
    }

    /**
     * A viewer joins: on its chosen layer, else (automatic) the top one; returns the slot. Its
     * keyframe is asked for (the primer, if any, is the caller's).
     */
    int join(ViewerSession v, long nowNanos) {
        int slot = startSlot(v);
        v.rung = ladder.layered() ? ladder.fullRungOf(slot) : -1;
        v.targetSlot = slot;
        v.targetTemporal = LayerLadder.ALL_TEMPORAL;
        v.selector = new LayerSelector(nowNanos);
        v.video.limitTemporal(LayerLadder.ALL_TEMPORAL);
        v.video.join(slot, tracks[slot].lastSeq);
        v.nowOn(slot);
        on[slot] = with(on[slot], v);
        publishNeeds();
        keyframeRequest.accept(slot);
        return slot;
    }

    private int startSlot(ViewerSession v) {
        if (!ladder.layered()) {
            return ladder.layers().isEmpty() ? 0 : ladder.layers().get(0).slot();
        }
        int chosen = v.chosenSlot();
        if (chosen >= 0 && ladder.layer(chosen) != null) {
            return chosen;
        }
        return ladder.rungs().get(ladder.top()).slot();
    }

    void remove(ViewerSession v) {
        for (int s = 0; s < Track.MAX_LAYERS; s++) {
            on[s] = without(on[s], v);
            waiting[s] = without(waiting[s], v);
        }
        publishNeeds();
    }

    /** The stream's layers changed: viewers on a layer no longer sent, or waiting for one, are moved. */
    void useLadder(LayerLadder next) {
        boolean wasLayered = ladder.layered();
        ladder = next;
        for (int s = 0; s < Track.MAX_LAYERS; s++) {
            tracks[s].gop.setActive(next.layered());
        }
        if (!next.layered() && !wasLayered) {
            return;
        }
        long now = clock.getAsLong();
        for (int s = 0; s < Track.MAX_LAYERS; s++) {
            for (ViewerSession v : on[s]) {
                if (next.layer(s) == null && !next.layers().isEmpty()) {
                    moveTo(v, next.top(), now, Move.CHOSEN); // its layer is no longer sent
                } else if (next.layered() && !wasLayered && v.chosenSlot() < 0) {
                    moveTo(v, next.top(), now, Move.CHOSEN); // layers just came (a simulcast broadcaster): as a joiner
                } else if (next.layered()) {
                    // The same target on the new ladder (its indexes move as rates and temporal layers are measured).
                    int target = next.indexOf(v.targetSlot >= 0 ? v.targetSlot : s, v.targetTemporal);
                    v.rung = target >= 0 ? target : next.indexOf(s, v.video.temporalLimit());
                }
            }
        }
    }

    /** Every few hundred milliseconds: each viewer's choice (its own, or its feedback's) and the waits. */
    void evaluate(long nowNanos) {
        if (!ladder.layered()) {
            return;
        }
        for (int s = 0; s < Track.MAX_LAYERS; s++) {
            replayable.set(s, tracks[s].gop.replayable(nowNanos));
        }
        for (int s = 0; s < Track.MAX_LAYERS; s++) {
            for (ViewerSession v : on[s]) {
                int chosen = v.chosenSlot();
                int target;
                if (chosen >= 0 && ladder.layer(chosen) != null) {
                    target = ladder.fullRungOf(chosen);
                    v.manual = true;
                } else if (v.manual) {
                    // Back to automatic: as a joiner, from the top, down as fast as the link says.
                    v.manual = false;
                    v.selector = new LayerSelector(nowNanos);
                    target = ladder.top();
                } else {
                    int current = v.rung < 0 ? ladder.fullRungOf(s) : v.rung;
                    target = v.selector.evaluate(nowNanos, v.video.sentPackets(), v.video.sentBytes(), ladder, current);
                }
                if (target >= 0 && target != v.rung) {
                    boolean auto = !v.manual && chosen < 0;
                    moveTo(
                            v,
                            target,
                            nowNanos,
                            !auto
                                    ? Move.CHOSEN
                                    : target < v.rung
                                            ? Move.CONGESTED
                                            : v.selector.congestedBefore() ? Move.EXPERIMENT : Move.CHOSEN);
                } else if (v.pendingSlot >= 0 && nowNanos - v.pendingSinceNanos > REASK_NANOS) {
                    v.pendingSinceNanos = nowNanos;
                    keyframeRequest.accept(v.pendingSlot);
                }
            }
        }
    }

    /** Why a viewer moves, which decides how its switch is made. */
    enum Move {
        /** Its choice, "Auto" again, layers that came or went: from the cache when it can. */
        CHOSEN,
        /** Down, its link short: its current layer thinned at once, only a short group replayed. */
        CONGESTED,
        /** Up after its link was short: at the next live keyframe (a replay's burst would fail the try). */
        EXPERIMENT
    }

    /** Moves a viewer to a rung: at once within its layer (temporal layers), else by a switch. */
    void moveTo(ViewerSession v, int rungIndex, long nowNanos, Move why) {
        LayerLadder.Rung r = ladder.rungs().get(rungIndex);
        v.targetSlot = r.slot();
        v.targetTemporal = r.maxTemporalLayer();
        LOG.info(
                "viewer {}: rung {} -> {} ({}), loss {} rate {}",
                v.id(),
                v.rung,
                rungIndex,
                r.label(),
                v.selector.lastLoss(),
                v.selector.lastRateBps());
        v.rung = rungIndex;
        v.selector.moved(nowNanos);
        int current = v.video.slot();
        if (r.slot() == current) {
            v.video.limitTemporal(r.maxTemporalLayer());
            cancelPending(v);
            return;
        }
        cancelPending(v);
        v.pendingSlot = r.slot();
        v.pendingTemporal = r.maxTemporalLayer();
        v.pendingSinceNanos = nowNanos;
        v.pendingDown = why == Move.CONGESTED;
        v.pendingMayReplay = why != Move.EXPERIMENT;
        if (why == Move.CONGESTED) {
            v.video.limitTemporal(0); // the fastest step down while the lower layer's keyframe comes
        }
        if (!v.pendingMayReplay || !replayNow(v, r.slot())) {
            waiting[r.slot()] = with(waiting[r.slot()], v);
            keyframeRequest.accept(r.slot());
        }
        publishNeeds();
    }

    private void cancelPending(ViewerSession v) {
        if (v.pendingSlot >= 0) {
            waiting[v.pendingSlot] = without(waiting[v.pendingSlot], v);
            v.pendingSlot = -1;
            publishNeeds();
        }
    }

    /**
     * One video packet of a layer for the shard's viewers (its caches already took it): the
     * viewers on the layer get it, those waiting for the layer are switched at its keyframe (or
     * from the cache once its group of pictures is whole). Returns the packets sent.
     */
    int onVideo(int slot, RtpPacket rtp) {
        ViewerSession[] here = on[slot];
        ViewerSession[] wait = waiting[slot];
        if (here.length == 0 && wait.length == 0) {
            return 0;
        }
        facts.read(rtp, ladder.layered() && ladder.vp8());
        int sent = 0;
        for (ViewerSession v : here) {
            if (v.video.forward(rtp, facts, v.videoSsrc())) {
                v.sendVideo(rtp, false);
                sent++;
            }
        }
        if (wait.length > 0) {
            sent += switchWaiting(slot, rtp, wait);
        }
        return sent;
    }

    private int switchWaiting(int slot, RtpPacket rtp, ViewerSession[] wait) {
        int sent = 0;
        for (ViewerSession v : wait) {
            if (facts.keyframeStart) {
                waiting[slot] = without(waiting[slot], v);
                switched(v, slot, facts.relaySeq, LayerLadder.ALL_TEMPORAL);
                switchesAtKeyframe = switchesAtKeyframe + 1; // one writer: this loop
                if (v.video.forward(rtp, facts, v.videoSsrc())) {
                    v.sendVideo(rtp, false);
                    sent++;
                }
            } else if (rtp.marker() && v.pendingMayReplay && replayNow(v, slot)) {
                waiting[slot] = without(waiting[slot], v);
            }
        }
        return sent;
    }

    /** Switches v to slot from the cached group of pictures if it is whole now; false when it is not. */
    private boolean replayNow(ViewerSession v, int slot) {
        GopCache gop = tracks[slot].gop;
        int n = gop.replayable(clock.getAsLong());
        if (n == 0 || n > (v.pendingDown ? MAX_REPLAY_DOWN : MAX_REPLAY)) {
            return false;
        }
        // Only the base temporal layer is replayed: with the keyframe it is all the decoder needs for the
        // live frames (the others follow from their next layer-sync frames), and a quarter of the
        // frames to decode at once (a browser drops frames it decodes late, and those after them).
        switched(v, slot, gop.sequenceNumber(0), 0);
        v.video.beginReplay();
        for (int i = 0; i < n; i++) {
            System.arraycopy(gop.packet(i), 0, replayScratch, 0, gop.length(i));
            if (!replay.wrap(replayScratch, 0, gop.length(i))) {
                break;
            }
            replay.markKeyframeStart(i == 0);
            replayFacts.read(replay, ladder.vp8());
            if (v.video.forward(replay, replayFacts, v.videoSsrc())) {
                v.sendVideo(replay, false);
            }
        }
        v.video.endReplay();
        switchesFromCache = switchesFromCache + 1; // one writer: this loop
        return true;
    }

    /** v is on slot from relay number relaySeq on, with temporal layers up to startTemporal at first. */
    private void switched(ViewerSession v, int slot, int relaySeq, int startTemporal) {
        LOG.info("viewer {}: switched to layer {} at {}", v.id(), slot, relaySeq);
        int from = v.video.slot();
        if (from >= 0) {
            on[from] = without(on[from], v);
        }
        v.video.limitTemporal(v.pendingTemporal);
        v.video.switchTo(slot, relaySeq, startTemporal);
        v.pendingSlot = -1;
        v.nowOn(slot);
        on[slot] = with(on[slot], v);
        publishNeeds();
    }

    /** The layers this shard's viewers are on or waiting for, to the stream's demand. */
    private void publishNeeds() {
        int mask = 0;
        for (int s = 0; s < Track.MAX_LAYERS; s++) {
            counts.set(s, on[s].length);
            if (on[s].length > 0 || waiting[s].length > 0) {
                mask |= 1 << s;
            }
        }
        if (mask != published && demand != null) {
            published = mask;
            demand.publish(shardIndex, mask);
        }
    }

    private static ViewerSession[] with(ViewerSession[] all, ViewerSession v) {
        for (ViewerSession x : all) {
            if (x == v) {
                return all;
            }
        }
        ViewerSession[] next = Arrays.copyOf(all, all.length + 1);
        next[all.length] = v;
        return next;
    }

    private static ViewerSession[] without(ViewerSession[] all, ViewerSession v) {
        for (int i = 0; i < all.length; i++) {
            if (all[i] == v) {
                ViewerSession[] next = new ViewerSession[all.length - 1];
                System.arraycopy(all, 0, next, 0, i);
                System.arraycopy(all, i + 1, next, i, all.length - i - 1);
                return next;
            }
        }
        return all;
    }
}
