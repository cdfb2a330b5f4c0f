package dev.lancast.bridge.ingest;

import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.FeedbackPort;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtcp.TransportCcFeedback;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The RTCP a stream owes its broadcaster, written on the broadcaster's session: NACKs of upstream
 * loss at once, transport-wide congestion feedback every 50 ms where negotiated (the broadcaster's
 * own estimator then follows the link), a receiver report per track with a REMB once a second (the
 * stream's ceiling, or without transport-wide feedback an estimate from the measured rate:
 * {@link RembEstimate}), and keyframe requests (their budget is the stream's, per layer:
 * {@link KeyframeBudget}). As the tracks' {@link FeedbackPort} it collects their report blocks.
 * The media loop only.
 */
final class BroadcasterRtcp implements FeedbackPort {
    private final long ssrc;
    private final IntConsumer keyframeRequest;
    private final SingleWriterCounter upstreamNacks;
    private final byte[] out = new byte[1500];
    private final ReportBlock[] blocks = new ReportBlock[Track.SLOTS];
    private int blockCount;
    private PeerConnection session;

    /**
     * @param ssrc            the bridge's RTCP SSRC towards the broadcaster
     * @param keyframeRequest asks for a keyframe of a video layer through the stream's budget
     */
    BroadcasterRtcp(long ssrc, IntConsumer keyframeRequest, SingleWriterCounter upstreamNacks) {
        this.ssrc = ssrc;
        this.keyframeRequest = keyframeRequest;
        this.upstreamNacks = upstreamNacks;
    }

    /** The session feedback goes to from now on (the broadcaster on air; null when none). */
    void use(PeerConnection broadcaster) {
        session = broadcaster;
    }

    private boolean connected() {
        return session != null && session.state() == PeerConnection.State.CONNECTED;
    }

    @Override
    public void nack(Track track, long mediaSsrc, int[] seqs, int count) {
        if (connected()) {
            session.writeRtcp(out, 0, RtcpWriter.writeNack(out, 0, ssrc, mediaSsrc, seqs, count));
            session.flush();
            upstreamNacks.add(count);
        }
    }

    @Override
    public void keyframeRequest(Track track, long mediaSsrc) {
        keyframeRequest.accept(track.layer()); // the layer's keyframe budget decides when
    }

    /** A PLI for one of the broadcaster's video SSRCs (a layer); false when there is no connected broadcaster to ask. */
    boolean sendPli(long mediaSsrc) {
        if (!connected() || mediaSsrc < 0) {
            return false;
        }
        session.writeRtcp(out, 0, RtcpWriter.writePli(out, 0, ssrc, mediaSsrc));
        session.flush();
        return true;
    }

    @Override
    public void reportBlock(Track track, ReportBlock block) {
        if (blockCount < blocks.length) {
            blocks[blockCount++] = block;
        }
    }

    /** The session's transport-wide congestion feedback due now (every 50 ms). */
    void sendCongestionFeedback(TransportCcFeedback congestion) {
        if (!connected() || congestion == null || !congestion.pending()) {
            return;
        }
        int n;
        while ((n = congestion.write(out, 0, ssrc)) > 0) {
            session.writeRtcp(out, 0, n);
        }
        session.flush();
    }

    /** Once a second: a receiver report of the broadcaster's tracks and a REMB of remb bit/s. */
    void sendReports(TrackPipeline[] tracks, long remb, long nowNanos) {
        if (!connected()) {
            return;
        }
        blockCount = 0;
        for (TrackPipeline t : tracks) {
            if (t != null) {
                t.report(nowNanos, this);
            }
        }
        ReportBlock[] reported = Arrays.copyOf(blocks, blockCount);
        long[] ssrcs = new long[reported.length];
        for (int i = 0; i < reported.length; i++) {
            ssrcs[i] = reported[i].ssrc();
        }
        int n = RtcpWriter.writeReceiverReport(out, 0, ssrc, reported);
        n += RtcpWriter.writeRemb(out, n, ssrc, remb, ssrcs);
        session.writeRtcp(out, 0, n);
        session.flush();
    }
}
