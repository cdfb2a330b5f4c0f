package dev.lancast.gateway.relay;

import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtp.RtpPacket;

/**
 * One viewer at the gateway: its WebRTC session, the payload types it negotiated, and what it
 * has been sent (for its sender reports). Its keyframe requests go to the stream's relay.
 */
public final class ViewerSession implements PeerConnection.Listener {
    private final String id;
    private final StreamRelay relay;
    private final int videoPt;
    private final int audioPt;
    private final RtcpPacket rtcp = new RtcpPacket();
    private final byte[] rtcpOut = new byte[256];
    private volatile PeerConnection pc;
    private long videoPackets;
    private long videoOctets;
    private long audioPackets;
    private long audioOctets;
    private long keyframeRequests;

    public ViewerSession(String id, StreamRelay relay, int videoPt, int audioPt) {
        this.id = id;
        this.relay = relay;
        this.videoPt = videoPt;
        this.audioPt = audioPt;
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

    /** Sends one packet of the stream; the payload type is set to this viewer's. Media loop only. */
    void forward(boolean isVideo, RtpPacket rtp) {
        PeerConnection p = pc;
        if (p == null || p.state() != PeerConnection.State.CONNECTED) {
            return;
        }
        int pt = isVideo ? videoPt : audioPt;
        if (pt < 0) {
            return;
        }
        rtp.setPayloadType(pt);
        p.writeRtp(rtp.buffer(), rtp.offset(), rtp.length());
        if (isVideo) {
            videoPackets++;
            videoOctets += rtp.payloadLength();
        } else {
            audioPackets++;
            audioOctets += rtp.payloadLength();
        }
    }

    /** A sender report with the stream's NTP/RTP mapping, so the browser can sync audio and video. */
    void sendReport(boolean isVideo, long ssrc, long ntp, long rtpTs) {
        PeerConnection p = pc;
        if (p == null || p.state() != PeerConnection.State.CONNECTED) {
            return;
        }
        int n = RtcpWriter.writeSenderReport(rtcpOut, 0, ssrc, ntp, rtpTs,
                isVideo ? videoPackets : audioPackets, isVideo ? videoOctets : audioOctets);
        p.writeRtcp(rtcpOut, 0, n);
    }

    public long keyframeRequests() {
        return keyframeRequests;
    }

    @Override
    public void onConnected(PeerConnection pc) {
        relay.primeViewer(this);
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
                keyframeRequests++;
                relay.requestKeyframe();
            } else if (rtcp.isNack()) {
                long ssrc = rtcp.mediaSsrc();
                rtcp.forEachNackedSequence(seq -> relay.onViewerNack(this, ssrc, seq));
            }
        }
        pc.flush();
    }

    @Override
    public void onClosed(PeerConnection pc, String reason) {
        relay.remove(this);
    }
}
