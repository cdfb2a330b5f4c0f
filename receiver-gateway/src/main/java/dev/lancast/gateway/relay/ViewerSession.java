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

/**
 * One viewer at the gateway: its WebRTC session, the payload types it negotiated, and what it
 * has been sent (for its sender reports). Its keyframe requests go to the stream's relay and its
 * NACKs are answered from the relay's cache, each within this viewer's own budget per second, so
 * that one viewer cannot make the gateway ask the bridge for keyframes without end or spend the
 * gateway's uplink on retransmissions.
 */
public final class ViewerSession implements PeerConnection.Listener {
    private final String id;
    private final StreamRelay relay;
    /** By {@link Track.Kind} ordinal: the payload type this viewer negotiated, -1 for none. */
    private final int[] payloadTypes;
    private final RtcpPacket rtcp = new RtcpPacket();
    private final byte[] rtcpOut = new byte[256];
    private volatile PeerConnection pc;
    /** By kind: what this viewer has been sent, for its sender reports. */
    private final long[] packets = new long[Track.Kind.COUNT];
    private final long[] octets = new long[Track.Kind.COUNT];
    private final TokenBucket pliBudget;
    private final TokenBucket nackBudget;
    private final LimitCounters counters;
    private final java.util.function.IntConsumer nackedSequence = this::onNackedSequence;
    private long nackSsrc;
    /** By kind: this viewer's numbers against the relay's (shifted by a primer, which only video gets). */
    private final ViewerNumbering[] numbering = {new ViewerNumbering(), new ViewerNumbering()};
    /** The shard of the media loop this viewer's session runs on; set when it connects. */
    private volatile ViewerShard shard;

    public ViewerSession(String id, StreamRelay relay, int videoPt, int audioPt, LimitSettings limits,
                         LimitCounters counters) {
        this.id = id;
        this.relay = relay;
        this.payloadTypes = new int[] {videoPt, audioPt};
        this.counters = counters;
        long now = System.nanoTime();
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

    /**
     * Sends one packet of the relay's stream (relaySeq: its number at the relay) with this
     * viewer's payload type and sequence number. Media loop only.
     */
    void forward(Track.Kind kind, RtpPacket rtp, int relaySeq) {
        int seq = numbering[kind.ordinal()].toViewer(relaySeq);
        if (seq >= 0) {
            rtp.setSequenceNumber(seq);
            send(kind, rtp, false);
        }
    }

    /**
     * Sends again, from the shard's cache, a packet this viewer asked for: the same bytes under the
     * same number as the first time, so the same content under the same SRTP index (the relay's
     * numbering gives a relay number one content; the cache keeps it under that number). Media loop only.
     */
    void resend(Track.Kind kind, RtpPacket rtp, int relaySeq) {
        int seq = numbering[kind.ordinal()].toViewer(relaySeq);
        if (seq >= 0) {
            rtp.setSequenceNumber(seq);
            send(kind, rtp, true);
        }
    }

    /** Sends a primer packet, numbered already by {@link #numbering}. Media loop only. */
    void sendPrimer(RtpPacket rtp) {
        send(Track.Kind.VIDEO, rtp, false);
    }

    /** This viewer's numbers of a kind against the relay's. Media loop only. */
    ViewerNumbering numbering(Track.Kind kind) {
        return numbering[kind.ordinal()];
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
        int n = RtcpWriter.writeSenderReport(rtcpOut, 0, ssrc, ntp, rtpTs, packets[kind.ordinal()],
                octets[kind.ordinal()]);
        p.writeRtcp(rtcpOut, 0, n);
    }

    @Override
    public void onConnected(PeerConnection pc) {
        // On the session's loop, so the shard of that loop owns this viewer from now on.
        ViewerShard s = relay.shardOf(pc.eventLoop());
        shard = s;
        s.add(this);
        relay.requestKeyframe();
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
        while (rtcp.next()) {
            if (rtcp.isPli() || rtcp.isFir()) {
                if (pliBudget.tryAcquire(System.nanoTime())) {
                    relay.requestKeyframe();
                } else {
                    counters.refused(Limit.VIEWER_PLI);
                }
            } else if (rtcp.isNack()) {
                nackSsrc = rtcp.mediaSsrc();
                rtcp.forEachNackedSequence(nackedSequence);
            }
        }
        pc.flush();
    }

    private void onNackedSequence(int seq) {
        if (nackBudget.tryAcquire(System.nanoTime())) {
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
