package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.GopCache;
import dev.lancast.rtc.media.KeyframeCache;
import dev.lancast.rtc.media.RepairCache;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtp.PacketCache;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.SequenceNumbers;
import java.util.concurrent.TimeUnit;

/**
 * One track (a video layer, or audio) of a stream on one media loop, downstream of the relay: the
 * stages its packets take on that loop before they go to the loop's viewers, in order,
 * <pre>
 *   video layer: repair cache (viewers' NACKs) -> keyframe cache (joiners' primers) -> group of pictures (switches) -> viewers
 *   audio:       repair cache                                                                                   -> viewers
 * </pre>
 * (assembled here, next to {@link RelayTrack#assemble}, the relay's stages before it), and what
 * the loop keeps of the track for its viewers: the SSRC, the newest number and timestamp (a primer
 * is numbered and stamped from them) and the sender-report mapping. The caches read the relay's
 * keyframe mark: the payload was read once, upstream. The group of pictures is kept only while the
 * stream has more than one layer. The shard's loop only.
 */
final class ShardTrack {
    /** Plain packets of the last second, by kind: one viewer's Wi-Fi loss costs no multicast. */
    private static final int VIDEO_SLOTS = 512;

    private static final int AUDIO_SLOTS = 128;

    final int slot;
    final Track.Kind kind;
    final TrackPipeline pipeline;
    final RepairCache repairs;
    /** Null for audio. */
    final KeyframeCache keyframes;
    /** Null for audio. */
    final GopCache gop;
    /** Viewer packets of this kind the loop's socket could not take (a cell of the table's series). */
    final SingleWriterCounter droppedBusy;

    long ssrc = -1;
    int lastSeq = -1;
    long lastTimestamp;
    /** The NTP/RTP mapping of the bridge's last sender report, in the viewers' timeline; ntp -1 when none. */
    long srNtp = -1;

    long srRtp;

    private ShardTrack(
            int slot,
            TrackPipeline pipeline,
            RepairCache repairs,
            KeyframeCache keyframes,
            GopCache gop,
            SingleWriterCounter droppedBusy) {
        this.slot = slot;
        this.kind = Track.kindOfSlot(slot);
        this.pipeline = pipeline;
        this.repairs = repairs;
        this.keyframes = keyframes;
        this.gop = gop;
        this.droppedBusy = droppedBusy;
    }

    static ShardTrack assemble(int slot, SingleWriterCounter droppedBusy) {
        Track.Kind kind = Track.kindOfSlot(slot);
        RepairCache repairs = new RepairCache(new PacketCache(
                kind == Track.Kind.VIDEO ? VIDEO_SLOTS : AUDIO_SLOTS,
                KeyframeCache.MAX_PACKET_BYTES,
                TimeUnit.SECONDS.toNanos(1)));
        if (kind == Track.Kind.AUDIO) {
            return new ShardTrack(
                    slot, new TrackPipeline(Track.ofSlot(slot), repairs), repairs, null, null, droppedBusy);
        }
        KeyframeCache keyframes = new KeyframeCache();
        GopCache gop = new GopCache();
        gop.setActive(false);
        return new ShardTrack(
                slot,
                new TrackPipeline(Track.ofSlot(slot), repairs, keyframes, gop),
                repairs,
                keyframes,
                gop,
                droppedBusy);
    }

    /** One packet of the track (relay numbering) through this loop's stages. */
    void onMedia(RtpPacket rtp, long nowNanos) {
        ssrc = rtp.ssrc();
        pipeline.onRtp(rtp, nowNanos);
        int seq = rtp.sequenceNumber();
        if (lastSeq < 0 || SequenceNumbers.isNewer(seq, lastSeq)) {
            lastSeq = seq;
            lastTimestamp = rtp.timestamp();
        }
    }

    /** A packet of another loop's cached keyframe, seeding this loop's cache (the other stages do not see it). */
    void onSeedPacket(RtpPacket rtp, long nowNanos) {
        if (keyframes != null) {
            keyframes.onRtp(pipeline.track(), rtp, nowNanos);
        }
    }

    /** Another loop's view of the track, taken as this loop's own when the loop starts to serve it. */
    void takeState(long ssrc, int lastSeq, long lastTimestamp, long srNtp, long srRtp) {
        this.ssrc = ssrc;
        this.lastSeq = lastSeq;
        this.lastTimestamp = lastTimestamp;
        this.srNtp = srNtp;
        this.srRtp = srRtp;
    }

    void onSenderReport(long ntp, long rtpTimestamp) {
        srNtp = ntp;
        srRtp = rtpTimestamp;
    }

    /**
     * The bridge's stream changed, or this gateway left the track's group: its keyframe, group of
     * pictures and sender-report timing no longer lead up to the packets that come next.
     */
    void onUpstreamChanged(long nowNanos) {
        pipeline.sourceChanged(nowNanos);
        srNtp = -1;
        lastSeq = -1;
    }

    /** Packets of the cached keyframe (0 when none, and always for audio). */
    int keyframePackets() {
        return keyframes == null || lastSeq < 0 ? 0 : keyframes.count();
    }
}
