package dev.lancast.bridge.ingest;

import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.Timeline;
import dev.lancast.rtc.rtp.TrackRewriter;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's media path at the bridge, from the current broadcaster's packets to the groups: the
 * stream's own SSRC, numbering and timeline of each track slot (kept for the stream's life; the
 * video layers share one timeline), the current broadcaster's pipelines ({@link IngestPipelines}),
 * the alignment of its layers by their sender reports ({@link LayerAlignment}), and what the
 * reports to the broadcaster are made of (bytes and loss per second). The media loop only, but for
 * the SSRCs and the meters, which any thread may read.
 */
final class IngestPath {
    private static final Logger LOG = LoggerFactory.getLogger(IngestPath.class);

    private final String stream;
    private final GroupPublisher publisher;
    /** By track slot: every video layer the stream may have, and audio. */
    private final TrackRewriter[] out = new TrackRewriter[Track.SLOTS];

    private final RtpPacket rtp = new RtpPacket();
    private final RtcpPacket rtcp = new RtcpPacket();
    /** A sender report (28 bytes) relayed to the group. */
    private final byte[] srOut = new byte[64];

    private final SingleWriterCounter receiveBitrate;
    private final SingleWriterCounter packetsForwarded;
    private final SingleWriterCounter upstreamLost;
    /** The current broadcaster's pipelines; null before one. */
    private IngestPipelines pipelines;
    /** The current broadcaster's layer meters by slot, for the catalog (any thread); null before. */
    private volatile LayerMeter[] meters;

    private LayerAlignment alignment = new LayerAlignment();
    private int ticks;
    private long bytesReceived;
    private long bytesAtLastReport;
    private long lostAtLastReport;
    private long forwardedAtLastReport;
    /** The upstream video loss of the broadcasters before the current one (its pipelines count their own). */
    private long upstreamLostBefore;

    /** @param firstSequenceNumber the first multicast sequence number of each track, -1 for a random one */
    IngestPath(
            String stream,
            GroupPublisher publisher,
            SecureRandom random,
            int firstSequenceNumber,
            SingleWriterCounter receiveBitrate,
            SingleWriterCounter packetsForwarded,
            SingleWriterCounter upstreamLost) {
        this.stream = stream;
        this.publisher = publisher;
        this.receiveBitrate = receiveBitrate;
        this.packetsForwarded = packetsForwarded;
        this.upstreamLost = upstreamLost;
        Timeline video = new Timeline(Track.Kind.VIDEO.clockRate());
        long videoStart = random.nextInt() & 0xFFFFFFFFL;
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            Track.Kind kind = Track.kindOfSlot(slot);
            int seq = firstSequenceNumber >= 0 ? firstSequenceNumber : random.nextInt(0x8000);
            out[slot] = kind == Track.Kind.VIDEO
                    ? new TrackRewriter(random.nextInt() & 0xFFFFFFFFL, kind.clockRate(), seq, videoStart, video)
                    : new TrackRewriter(random.nextInt() & 0xFFFFFFFFL, kind.clockRate(), seq, random.nextInt());
        }
    }

    /** The stream's multicast SSRC of a slot (fixed for the bridge's life). Any thread. */
    long ssrc(int slot) {
        return out[slot].outSsrc();
    }

    /**
     * A new broadcaster's codecs (null: none). Its statistics, loss detection, sender reports and
     * layer alignment start afresh; the rewriters go on, from a new base even if the new session
     * kept the old one's SSRC (its numbers start anew).
     */
    void use(IngestCodecs codecs) {
        if (pipelines != null) {
            upstreamLostBefore += pipelines.upstreamLost();
        }
        for (TrackRewriter r : out) {
            r.forceRebase();
        }
        pipelines = codecs == null
                ? null
                : IngestPipelines.assemble(codecs, slot -> out[slot], publisher::index, ThreadLocalRandom.current());
        LayerMeter[] m = new LayerMeter[Track.SLOTS];
        for (int slot = 0; slot < Track.MAX_LAYERS && pipelines != null; slot++) {
            m[slot] = pipelines.meter(slot);
        }
        meters = m;
        alignment = new LayerAlignment();
        lostAtLastReport = 0;
    }

    IngestPipelines pipelines() {
        return pipelines;
    }

    /** The current broadcaster's layer meters by slot (null before one). Any thread. */
    LayerMeter[] meters() {
        return meters;
    }

    /** The current broadcaster's SSRC of a video layer, -1 while not known. */
    long broadcasterSsrc(int layer) {
        return pipelines == null ? -1 : pipelines.demux.ssrcOf(layer);
    }

    /** One packet of the current broadcaster, through its slot's pipeline to the group. */
    void onRtp(byte[] buf, int off, int len, long now) {
        IngestPipelines p = pipelines;
        if (p == null || !rtp.wrap(buf, off, len)) {
            return;
        }
        int slot = p.demux.slotOf(rtp, now);
        TrackPipeline track = slot < 0 ? null : p.of(slot);
        if (track == null) {
            return;
        }
        bytesReceived += len;
        if (track.onRtp(rtp, now)) {
            publisher.publishRtp(slot, rtp);
            packetsForwarded.increment();
        }
    }

    /**
     * The broadcaster's sender reports are relayed on the group in the stream's timeline (each video
     * layer's on its own group, after it placed the layer exactly), so viewers can keep audio and
     * video in sync.
     */
    void onRtcp(byte[] buf, int off, int len, long now) {
        IngestPipelines p = pipelines;
        if (p == null || !rtcp.wrap(buf, off, len)) {
            return;
        }
        while (rtcp.next()) {
            if (rtcp.packetType() != RtcpPacket.SR) {
                continue;
            }
            TrackPipeline[] all = p.all();
            for (int slot = 0; slot < all.length; slot++) {
                TrackPipeline t = all[slot];
                if (t != null
                        && t.onSenderReport(rtcp.senderSsrc(), rtcp.srNtpTimestamp(), rtcp.srRtpTimestamp(), now)) {
                    if (slot != Track.AUDIO_SLOT
                            && alignment.onSenderReport(slot, rtcp.srNtpTimestamp(), rtcp.srRtpTimestamp(), out)) {
                        LOG.debug(
                                "stream {}: layer {} placed on the video timeline by its sender report", stream, slot);
                    }
                    TrackRewriter r = out[slot];
                    int n = RtcpWriter.writeSenderReport(
                            srOut,
                            0,
                            r.outSsrc(),
                            rtcp.srNtpTimestamp(),
                            r.translateTimestamp(rtcp.srRtpTimestamp()),
                            r.packets(),
                            r.octets());
                    publisher.publishRtcp(slot, srOut, 0, n);
                    break;
                }
            }
        }
    }

    /** Every 5 ms: NACKs of upstream loss due now; every 50 ms the transport-wide congestion feedback. */
    void tick(long now, BroadcasterRtcp upstream) {
        IngestPipelines p = pipelines;
        if (p == null) {
            return;
        }
        p.tickVideo(now, upstream);
        // The loss stages count for themselves; their count goes to the table from here, every 5 ms.
        upstreamLost.set(upstreamLostBefore + p.upstreamLost());
        if (++ticks % 10 == 0) {
            upstream.sendCongestionFeedback(p.congestion);
        }
    }

    /** Once a second: the receive bit rate, and the reports and REMB that tell the encoder how far it may go. */
    void report(long now, BroadcasterRtcp upstream, long maxBitrate) {
        long bits = (bytesReceived - bytesAtLastReport) * 8;
        receiveBitrate.set(bits);
        bytesAtLastReport = bytesReceived;
        IngestPipelines p = pipelines;
        if (p == null) {
            return;
        }
        long lost = p.upstreamLost() - lostAtLastReport;
        long forwarded = packetsForwarded.get() - forwardedAtLastReport;
        lostAtLastReport = p.upstreamLost();
        forwardedAtLastReport = packetsForwarded.get();
        double loss = forwarded + lost == 0 ? 0 : (double) lost / (forwarded + lost);
        upstream.sendReports(p.all(), RembEstimate.of(maxBitrate, p.congestion != null, bits, loss), now);
    }
}
