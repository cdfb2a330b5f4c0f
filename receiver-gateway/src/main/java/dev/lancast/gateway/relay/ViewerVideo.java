package dev.lancast.gateway.relay;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.SequenceNumbers;
import java.util.Arrays;

/**
 * One viewer's video as it is sent: which layer (track slot) it comes from now, and the viewer's
 * own sequence numbers, timestamps and VP8 picture IDs, which run on without a gap or a step back
 * across layer switches, temporal thinning and the join primer, whatever the relay's numbers do.
 *
 * <p>The viewer's packets come in <em>segments</em>: the packets of one layer from one relay
 * number on (a join; a switch at a keyframe of the new layer, live or replayed from the shard's
 * cache). A segment numbers its packets from just after the highest number the viewer was given,
 * so no number is ever given twice: under the viewer's SRTP key a number is a GCM nonce, and a
 * second content under one would give both away (the sender refuses an index twice anyway).
 * Within a segment a relay number maps to one viewer number; frames of thinned temporal layers
 * are left out and the numbers (and picture IDs) after them close the gap, so the viewer's
 * decoder never waits for what will not come. A packet that arrives late (a multicast repair)
 * gets the number its place called for, or none when that place is unknowable (it came from
 * before the segment, or before the drops remembered). Timestamps are shifted within a segment at
 * most as much as keeps them from stepping back (the viewer's sender reports carry the same
 * shift, so lip sync holds); a replayed group of pictures is stamped {@link #REPLAY_TICKS} apart,
 * so the viewer decodes it frame by frame at once and then the live frames.
 *
 * <p>Every packet sent is logged by its viewer number (relay slot and number, and what was
 * rewritten), so a NACK is answered with the very bytes sent the first time. The shard's loop only.
 */
final class ViewerVideo {
    /** NACKs are answered for the last this many packets (a second or more of video). */
    static final int LOG = 512;
    /** Thinning drops remembered, to number late packets. */
    static final int DROPS = 32;
    /** Past this distance from a segment's start no packet from before it can arrive any more (replay window 1024). */
    private static final int GUARD = 4096;

    static final int NOT_REPAIRABLE = -1;
    private static final int ALL_TEMPORAL = LayerLadder.ALL_TEMPORAL;
    /**
     * Replayed frames are stamped this far apart (20 ms at 90 kHz): a browser decodes them in turn
     * and drops a frame it would decode late when a later one is ready (and with it every frame
     * that refers to it), so they must not all be due at once; the live frames then follow them.
     */
    static final int REPLAY_TICKS = 1800;

    // What the viewer has been sent.
    private boolean started;
    private int maxOut;
    private long lastTs;
    private int lastPic = -1;
    private int lastTl0 = -1;
    private long sentPackets;
    private long sentBytes;

    // The current segment.
    private int slot = -1;
    private int baseRelay;
    private boolean baseKnown;
    private boolean guarding;
    private int highestRelay;
    private boolean any;
    private int offset;
    private boolean shiftPending;
    /** The segment's first packet places its picture IDs after the viewer's (after a switch). */
    private boolean placePending;

    private long tsShift;
    /** Whether the segment's picture IDs continue the viewer's (after a switch) or start as the relay's (a join). */
    private boolean continuePictures;

    private int picOffset;
    private int tl0Offset;
    private boolean replaying;
    private long replayIn;
    private long replayOut;

    // Temporal thinning: the limit wanted and the one in force (raised only at layer-sync frames).
    private int targetTemporal = ALL_TEMPORAL;
    private int temporal = ALL_TEMPORAL;
    private final int[] dropSeqs = new int[DROPS];
    private final boolean[] dropFrames = new boolean[DROPS];
    private int drops;

    // The log, by viewer number modulo LOG.
    private final int[] logSeq = new int[LOG];
    private final int[] logRelay = new int[LOG];
    private final long[] logTs = new long[LOG];
    private final int[] logPic = new int[LOG];

    ViewerVideo() {
        Arrays.fill(logSeq, -1);
    }

    /** The layer (slot) the viewer gets now, -1 before its join. */
    int slot() {
        return slot;
    }

    /** The temporal layers sent now (0..2; 3: all). */
    int temporalLimit() {
        return targetTemporal;
    }

    /** Video packets and bytes sent so far (for the layer choice). */
    long sentPackets() {
        return sentPackets;
    }

    long sentBytes() {
        return sentBytes;
    }

    /** The shift of this segment's timestamps, which the viewer's sender reports carry too. */
    long timestampShift() {
        return tsShift;
    }

    /**
     * A joiner on a layer: its packets from the one after lastRelaySeq on (any first packet when
     * -1: nothing of the layer seen yet), with the relay's numbers until a primer shifts them.
     */
    void join(int layerSlot, int lastRelaySeq) {
        slot = layerSlot;
        startSegment(lastRelaySeq < 0 ? -1 : (lastRelaySeq + 1) & 0xFFFF, 0);
        continuePictures = false; // the join's first live frames follow the primer's picture IDs as they are
    }

    /**
     * A primer of count packets (the cached keyframe) for a joiner, numbered just after the relay's
     * latest packet lastRelaySeq and stamped just before its timestamp; the live packets after it
     * come shifted by count. Returns the primer's first number.
     */
    int primeAfter(int lastRelaySeq, long lastTimestamp, int count) {
        int first = (lastRelaySeq + 1) & 0xFFFF;
        offset = count;
        for (int i = 0; i < count; i++) {
            log((first + i) & 0xFFFF, NOT_REPAIRABLE, 0, -1, -1, -1);
        }
        maxOut = (first + count - 1) & 0xFFFF;
        lastTs = (lastTimestamp - 1) & 0xFFFFFFFFL;
        started = true;
        return first;
    }

    /**
     * The viewer switches to a layer at the packet relaySeq of it (a keyframe's first), starting
     * with temporal layers up to startTemporal (3: all); higher ones are added at their layer-sync
     * frames, up to the limit set.
     */
    void switchTo(int layerSlot, int relaySeq, int startTemporal) {
        slot = layerSlot;
        startSegment(relaySeq, started ? (maxOut + 1 - relaySeq) & 0xFFFF : 0);
        temporal = Math.min(startTemporal, targetTemporal);
        continuePictures = started;
    }

    /** The next packets forwarded are a replayed group of pictures (see {@link #endReplay}). */
    void beginReplay() {
        replaying = true;
        replayIn = -1;
    }

    /** The replay is over: live packets follow, shifted only as much as keeps their timestamps going forward. */
    void endReplay() {
        replaying = false;
        shiftPending = true;
    }

    private void startSegment(int relaySeq, int nextOffset) {
        baseKnown = relaySeq >= 0;
        baseRelay = Math.max(relaySeq, 0);
        guarding = true;
        any = false;
        offset = nextOffset;
        shiftPending = true;
        placePending = true;
        tsShift = 0;
        picOffset = 0;
        tl0Offset = 0;
        drops = 0;
        temporal = targetTemporal;
    }

    /** Sends only temporal layers up to limit (0..2; 3: all); lowering takes effect at the next frame. */
    void limitTemporal(int limit) {
        targetTemporal = Math.max(0, Math.min(ALL_TEMPORAL, limit));
    }

    /**
     * Rewrites a packet of the viewer's layer for the viewer (number, SSRC, timestamp, picture ID);
     * false when it is not for the viewer: from before its segment, a thinned frame, or late with
     * no number to give. Then the caller leaves the packet unsent (facts: the relay's values).
     */
    boolean forward(RtpPacket rtp, PacketFacts f, long viewerSsrc) {
        int s = f.relaySeq;
        if (!baseKnown) {
            baseRelay = s;
            baseKnown = true;
        }
        if (guarding && SequenceNumbers.diff(s, baseRelay) < 0) {
            return false;
        }
        boolean late = any && SequenceNumbers.diff(s, highestRelay) <= 0;
        int dropsAfter = 0;
        int frameDropsAfter = 0;
        if (late) {
            if (drops > 0 && f.temporalLayer > 0) {
                return false; // its frame's fate is not remembered: it may have been thinned
            }
            for (int i = 0; i < Math.min(drops, DROPS); i++) {
                int d = SequenceNumbers.diff(dropSeqs[i], s);
                if (d == 0) {
                    return false;
                }
                if (d > 0) {
                    dropsAfter++;
                    frameDropsAfter += dropFrames[i] ? 1 : 0;
                }
            }
            if (drops > DROPS && SequenceNumbers.diff(oldestDrop(), s) > 0) {
                return false; // before the drops remembered: its number cannot be told
            }
        } else if (f.temporalLayer >= 0 && !keeps(f)) {
            drop(s, f.frameStart);
            return false;
        }
        if (!late) {
            highestRelay = s;
            any = true;
            if (guarding && SequenceNumbers.diff(s, baseRelay) > GUARD) {
                guarding = false;
            }
        }
        int v = (s + offset + dropsAfter) & 0xFFFF;
        long ts = timestampFor(f.timestamp);
        int pic = -1;
        int tl0 = -1;
        if (f.vp8Read) {
            if (placePending) {
                placePictures(f);
            }
            if (f.pictureId >= 0) {
                pic = (f.pictureId + picOffset + frameDropsAfter) & (f.vp8.pictureIdBits() == 15 ? 0x7FFF : 0x7F);
                f.vp8.setPictureId(pic);
            }
            if (f.tl0PicIdx >= 0) {
                tl0 = (f.tl0PicIdx + tl0Offset) & 0xFF;
                f.vp8.setTl0PicIdx(tl0);
            }
        }
        shiftPending = false;
        placePending = false;
        rtp.setSequenceNumber(v);
        rtp.setSsrc(viewerSsrc);
        rtp.setTimestamp(ts);
        if (!late) {
            if (!started || SequenceNumbers.diff(v, maxOut) > 0) {
                maxOut = v;
                lastTs = ts;
                lastPic = pic >= 0 ? pic : lastPic;
                lastTl0 = tl0 >= 0 ? tl0 : lastTl0;
            }
            started = true;
        }
        log(v, (slot << 16) | s, ts, pic, tl0, f.vp8Read ? f.vp8.pictureIdBits() : 0);
        sentPackets++;
        sentBytes += rtp.length();
        return true;
    }

    /** The segment's first picture ID and TL0PICIDX continue the viewer's (after a switch). */
    private void placePictures(PacketFacts f) {
        if (continuePictures && lastPic >= 0 && f.pictureId >= 0) {
            picOffset = lastPic + 1 - f.pictureId;
        }
        if (continuePictures && lastTl0 >= 0 && f.tl0PicIdx >= 0) {
            tl0Offset = lastTl0 + 1 - f.tl0PicIdx;
        }
    }

    private long timestampFor(long in) {
        if (replaying) {
            if (replayIn < 0) {
                replayOut = (lastTs + REPLAY_TICKS) & 0xFFFFFFFFL;
            } else if (in != replayIn) {
                replayOut = (replayOut + REPLAY_TICKS) & 0xFFFFFFFFL;
            }
            replayIn = in;
            return replayOut;
        }
        if (shiftPending && started) {
            int back = (int) ((lastTs + 1 - in) & 0xFFFFFFFFL); // > 0: the segment would step back
            tsShift = back > 0 ? back : 0;
        }
        return (in + tsShift) & 0xFFFFFFFFL;
    }

    /** Whether a packet's temporal layer is sent now; at a frame start the limit may move. */
    private boolean keeps(PacketFacts f) {
        if (f.frameStart) {
            if (targetTemporal < temporal) {
                temporal = targetTemporal;
            } else if (!replaying && targetTemporal > temporal && f.temporalLayer == temporal + 1 && f.layerSync) {
                temporal = f.temporalLayer; // one layer up, at a frame that needs only the layers below
            }
        }
        return f.temporalLayer <= temporal;
    }

    private void drop(int relaySeq, boolean frameStart) {
        int i = drops % DROPS;
        dropSeqs[i] = relaySeq;
        dropFrames[i] = frameStart;
        drops++;
        offset = (offset - 1) & 0xFFFF;
        if (frameStart) {
            picOffset--;
        }
    }

    private int oldestDrop() {
        return dropSeqs[drops % DROPS];
    }

    private void log(int v, int relay, long ts, int pic, int tl0, int picBits) {
        int i = v & (LOG - 1);
        logSeq[i] = v;
        logRelay[i] = relay;
        logTs[i] = ts;
        logPic[i] = (pic & 0x7FFF)
                | ((tl0 & 0xFF) << 15)
                | (pic >= 0 ? 1 << 23 : 0)
                | (tl0 >= 0 ? 1 << 24 : 0)
                | (picBits == 15 ? 1 << 25 : 0);
    }

    /** The relay slot and number (slot << 16 | seq) of a packet sent as viewerSeq, or -1 (not sent, a primer, forgotten). */
    int sentAs(int viewerSeq) {
        int i = viewerSeq & (LOG - 1);
        return logSeq[i] == viewerSeq ? logRelay[i] : NOT_REPAIRABLE;
    }

    /**
     * Rewrites a cached relay packet (facts read from it) exactly as it was sent as viewerSeq, so
     * a NACK is answered with the same bytes under the same SRTP index; call after {@link #sentAs}.
     */
    void rewriteAsSent(RtpPacket rtp, PacketFacts f, int viewerSeq, long viewerSsrc) {
        int i = viewerSeq & (LOG - 1);
        rtp.setSequenceNumber(viewerSeq);
        rtp.setSsrc(viewerSsrc);
        rtp.setTimestamp(logTs[i]);
        int pic = logPic[i];
        if (f.vp8Read && (pic & (1 << 23)) != 0) {
            f.vp8.setPictureId(pic & 0x7FFF);
        }
        if (f.vp8Read && (pic & (1 << 24)) != 0) {
            f.vp8.setTl0PicIdx((pic >>> 15) & 0xFF);
        }
    }
}
