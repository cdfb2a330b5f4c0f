package dev.lancast.gateway.relay;

import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.TokenBucket;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtp.RtpPacket;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * One viewer at the gateway: its WebRTC session, the payload types and SSRCs it negotiated, what it
 * has been sent (for its sender reports), its video as sent ({@link ViewerVideo}: the layer it is
 * on and its own numbering across switches) and the layer it should be on (its choice, or
 * {@link LayerSelector}'s from its feedback). Its keyframe requests go to the stream's relay and
 * its NACKs are answered from the shard's caches, each within this viewer's own budget per
 * second, so that one viewer cannot make the gateway ask the bridge for keyframes without end or
 * spend the gateway's uplink on retransmissions; its receiver reports, NACKs and REMB also feed
 * its layer choice.
 */
public final class ViewerSession implements PeerConnection.Listener {
    private final String id;
    private final StreamRelay relay;
    /** By {@link Track.Kind} ordinal: the payload type this viewer negotiated, -1 for none. */
    private final int[] payloadTypes;
    /** This viewer's video as sent. Shard's loop. */
    final ViewerVideo video = new ViewerVideo();
    /** The automatic layer choice, made when the viewer connects. Shard's loop. */
    LayerSelector selector;
    /** The rung of the stream's ladder the viewer is on or being moved to (auto); -1 before the join. Shard's loop. */
    int rung = -1;
    /** The layer (slot) and temporal limit the viewer is on or being moved to (its rung, whatever the ladder's indexes). */
    int targetSlot = -1;

    int targetTemporal = LayerLadder.ALL_TEMPORAL;
    /** The layer (slot) a switch waits for a keyframe of, -1 when none. Shard's loop. */
    int pendingSlot = -1;

    int pendingTemporal;
    /** Whether the pending switch goes down (to a layer of fewer bits). */
    boolean pendingDown;
    /** Whether the pending switch may be made from the cache (not a step up after congestion). */
    boolean pendingMayReplay;
    /** Whether the layer is the viewer's own choice now (else automatic). Shard's loop. */
    boolean manual;

    long pendingSinceNanos;
    /** The layer (slot) this viewer asked for, or -1 for automatic. Any thread writes, the shard reads. */
    private volatile int chosenSlot = -1;

    private final RtcpPacket rtcp = new RtcpPacket();
    private final byte[] rtcpOut = new byte[256];
    private volatile PeerConnection pc;
    /** By kind: what this viewer has been sent, for its sender reports. */
    private final long[] packets = new long[Track.Kind.COUNT];

    private final long[] octets = new long[Track.Kind.COUNT];
    private final TokenBucket pliBudget;
    private final TokenBucket nackBudget;
    private final LimitCounters counters;
    /** The relay's (its media loop's) time: the PLI and NACK budgets. */
    private final LongSupplier clock;

    private final IntConsumer nackedSequence = this::onNackedSequence;
    private long nackSsrc;
    /** This viewer's audio numbers against the relay's (video's are {@link #video}'s). */
    private final ViewerNumbering audioNumbering = new ViewerNumbering();
    /** The shard of the media loop this viewer's session runs on; set when it connects. */
    private volatile ViewerShard shard;

    public ViewerSession(
            String id, StreamRelay relay, int videoPt, int audioPt, LimitSettings limits, LimitCounters counters) {
        this.id = id;
        this.relay = relay;
        this.payloadTypes = new int[] {videoPt, audioPt};
        this.counters = counters;
        this.clock = relay.clock();
        long now = clock.getAsLong();
        this.pliBudget = new TokenBucket(limits.pliPerSecond(), limits.pliPerSecond(), now);
        this.nackBudget = new TokenBucket(limits.nackPerSecond(), limits.nackPerSecond(), now);
    }

    public String id() {
        return id;
    }

    public void bind(PeerConnection pc) {
        this.pc = pc;
    }

    public PeerConnection peer() {
        return pc;
    }

    /** The video SSRC of this viewer's WHEP answer: every layer is sent under it. */
    long videoSsrc() {
        // The relay's, fixed for its life once its catalog entry came (before any viewer in a
        // gateway; a benchmark harness makes its viewers first).
        return relay.viewerSsrc(Track.Kind.VIDEO);
    }

    /** The layer (slot) this viewer asked for, -1 for automatic. */
    public int chosenSlot() {
        return chosenSlot;
    }

    /**
     * Asks for a layer (slot), or -1 for automatic; takes effect on the viewer's loop within one
     * evaluation of its shard. Any thread.
     */
    public void choose(int slot) {
        chosenSlot = slot;
    }

    /** The layer (slot) this viewer gets now, -1 before its join. Any thread (a snapshot). */
    public int currentSlot() {
        return currentSlot;
    }

    private volatile int currentSlot = -1;

    /** Notes the layer now sent (for status and the API). Shard's loop. */
    void nowOn(int slot) {
        currentSlot = slot;
    }

    /**
     * Sends one audio packet of the relay's stream (relaySeq: its number at the relay) with this
     * viewer's payload type and sequence number. Media loop only.
     */
    void forwardAudio(RtpPacket rtp, int relaySeq) {
        int seq = audioNumbering.toViewer(relaySeq);
        if (seq >= 0) {
            rtp.setSequenceNumber(seq);
            send(Track.Kind.AUDIO, rtp, false);
        }
    }

    /**
     * Sends again, from the shard's cache, an audio packet this viewer asked for: the same bytes
     * under the same number as the first time, so the same content under the same SRTP index. Media loop only.
     */
    void resendAudio(RtpPacket rtp, int relaySeq) {
        int seq = audioNumbering.toViewer(relaySeq);
        if (seq >= 0) {
            rtp.setSequenceNumber(seq);
            send(Track.Kind.AUDIO, rtp, true);
        }
    }

    /** This viewer's audio numbers against the relay's. Media loop only. */
    ViewerNumbering audioNumbering() {
        return audioNumbering;
    }

    /** Sends a video packet the viewer's {@link ViewerVideo} rewrote (again: a NACK's answer, same bytes). Media loop only. */
    void sendVideo(RtpPacket rtp, boolean again) {
        send(Track.Kind.VIDEO, rtp, again);
    }

    private void send(Track.Kind kind, RtpPacket rtp, boolean again) {
        PeerConnection p = pc;
        if (p == null || p.state() != PeerConnection.State.CONNECTED) {
            return;
        }
        int pt = payloadTypes[kind.ordinal()];
        if (pt < 0) {
            return;
        }
        rtp.setPayloadType(pt);
        if (again) {
            p.writeRtpAgain(rtp.buffer(), rtp.offset(), rtp.length());
        } else {
            p.writeRtp(rtp.buffer(), rtp.offset(), rtp.length());
        }
        packets[kind.ordinal()]++;
        octets[kind.ordinal()] += rtp.payloadLength();
    }

    /** A sender report with the stream's NTP/RTP mapping, so the browser can sync audio and video. */
    void sendReport(Track.Kind kind, long ssrc, long ntp, long rtpTs) {
        PeerConnection p = pc;
        if (p == null || p.state() != PeerConnection.State.CONNECTED) {
            return;
        }
        int n = RtcpWriter.writeSenderReport(
                rtcpOut, 0, ssrc, ntp, rtpTs, packets[kind.ordinal()], octets[kind.ordinal()]);
        p.writeRtcp(rtcpOut, 0, n);
    }

    @Override
    public void onConnected(PeerConnection pc) {
        // On the session's loop, so the shard of that loop owns this viewer from now on.
        ViewerShard s = relay.shardOf(pc.eventLoop());
        shard = s;
        s.add(this); // and asks for a keyframe of the layer it starts on
    }

    @Override
    public void onRtp(PeerConnection pc, byte[] buf, int off, int len) {
        // Viewers are receive-only; anything they send is ignored.
    }

    @Override
    public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {
        if (!rtcp.wrap(buf, off, len)) {
            return;
        }
        LayerSelector choice = selector;
        while (rtcp.next()) {
            if (rtcp.isPli() || rtcp.isFir()) {
                if (pliBudget.tryAcquire(clock.getAsLong())) {
                    relay.requestKeyframe(Math.max(0, pendingSlot >= 0 ? pendingSlot : video.slot()));
                } else {
                    counters.refused(Limit.VIEWER_PLI);
                }
            } else if (rtcp.isNack()) {
                nackSsrc = rtcp.mediaSsrc();
                rtcp.forEachNackedSequence(nackedSequence);
            } else if (choice != null && rtcp.isRemb()) {
                choice.onRemb(rtcp.rembBitrate());
            } else if (choice != null) {
                for (int i = 0; i < rtcp.reportCount(); i++) {
                    if (rtcp.reportSsrc(i) == videoSsrc()) {
                        choice.onReceiverReport(rtcp.reportFractionLost(i));
                    }
                }
            }
        }
        pc.flush();
    }

    private void onNackedSequence(int seq) {
        LayerSelector choice = selector;
        if (choice != null && nackSsrc == videoSsrc()) {
            choice.onNack(seq);
        }
        if (nackBudget.tryAcquire(clock.getAsLong())) {
            ViewerShard s = shard;
            if (s != null) {
                s.onViewerNack(this, nackSsrc, seq);
            }
        } else {
            counters.refused(Limit.VIEWER_NACK);
        }
    }

    @Override
    public void onClosed(PeerConnection pc, String reason) {
        ViewerShard s = shard;
        if (s == null) {
            return;
        }
        if (s.loop().inEventLoop()) {
            s.remove(this);
        } else {
            s.loop().execute(() -> s.remove(this));
        }
    }
}
