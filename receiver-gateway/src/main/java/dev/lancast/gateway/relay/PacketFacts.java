package dev.lancast.gateway.relay;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.Vp8Descriptor;

/**
 * What a viewer shard reads of one video packet, once, before it rewrites the packet in place for
 * each of its viewers (their numbers, timestamps, picture IDs): the relay's values, which every
 * viewer's rewriting starts from, and the VP8 descriptor's temporal layer and frame start (read
 * only for a stream with layers: a single-layer stream's viewers get its picture IDs as they are).
 * One media loop; reused for every packet.
 */
final class PacketFacts {
    final Vp8Descriptor vp8 = new Vp8Descriptor();
    int relaySeq;
    long timestamp;
    boolean keyframeStart;
    /** Whether the VP8 descriptor was read (a stream with layers, VP8). */
    boolean vp8Read;

    boolean frameStart;
    /** -1 without one. */
    int temporalLayer = -1;

    boolean layerSync;
    int pictureId = -1;
    int tl0PicIdx = -1;

    /** Reads a packet; readVp8: also its VP8 descriptor. */
    void read(RtpPacket rtp, boolean readVp8) {
        relaySeq = rtp.sequenceNumber();
        timestamp = rtp.timestamp();
        keyframeStart = rtp.startsKeyframe();
        vp8Read = readVp8 && vp8.wrap(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
        if (vp8Read) {
            frameStart = vp8.frameStart();
            temporalLayer = vp8.temporalLayer();
            layerSync = vp8.layerSync();
            pictureId = vp8.hasPictureId() ? vp8.pictureId() : -1;
            tl0PicIdx = vp8.tl0PicIdx();
        } else {
            frameStart = keyframeStart;
            temporalLayer = -1;
            layerSync = false;
            pictureId = -1;
            tl0PicIdx = -1;
        }
    }
}
