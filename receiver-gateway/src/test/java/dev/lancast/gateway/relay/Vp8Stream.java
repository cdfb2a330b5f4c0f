package dev.lancast.gateway.relay;

import dev.lancast.rtc.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulcast layer's VP8 packets as a Chromium encoder sends them (after the relay: one SSRC and
 * numbering per layer, all layers on one timeline): frames of a few packets each with a 15-bit
 * picture ID, TL0PICIDX and the 3-layer temporal pattern 0 2 1 2 (layer sync on the first TL1 and TL2
 * after a TL0), a keyframe every keyframeEvery frames. For the per-viewer numbering tests.
 */
final class Vp8Stream {
    private final long ssrc;
    private final int packetsPerFrame;
    private int seq;
    private int pictureId;
    private int tl0 = 100;
    private long timestamp;
    private int frame;

    Vp8Stream(long ssrc, int firstSeq, int firstPictureId, long firstTimestamp, int packetsPerFrame) {
        this.ssrc = ssrc;
        this.seq = firstSeq;
        this.pictureId = firstPictureId;
        this.timestamp = firstTimestamp;
        this.packetsPerFrame = packetsPerFrame;
    }

    /** The next frame's packets (a keyframe when asked), 3000 ticks after the previous frame. */
    List<RtpPacket> frame(boolean keyframe) {
        int tid = keyframe ? 0 : new int[] {0, 2, 1, 2}[frame % 4];
        if (keyframe) {
            frame = 0;
        }
        if (tid == 0) {
            tl0 = (tl0 + 1) & 0xFF;
        }
        boolean sync = !keyframe && tid > 0 && (frame % 4 == 1 || frame % 4 == 2);
        List<RtpPacket> out = new ArrayList<>();
        for (int i = 0; i < packetsPerFrame; i++) {
            byte[] buf = new byte[12 + 6 + 40];
            RtpPacket.writeHeader(buf, 0, i == packetsPerFrame - 1, 96, seq, timestamp, ssrc);
            int d = 12;
            buf[d] = (byte) (0x80 | (i == 0 ? 0x10 : 0)); // X, S on the first packet, PID 0
            buf[d + 1] = (byte) 0xE0; // I L T
            buf[d + 2] = (byte) (0x80 | (pictureId >>> 8));
            buf[d + 3] = (byte) pictureId;
            buf[d + 4] = (byte) tl0;
            buf[d + 5] = (byte) ((tid << 6) | (sync ? 0x20 : 0));
            buf[d + 6] = (byte) (keyframe ? 0x00 : 0x01); // VP8 frame tag: P bit clear for a keyframe
            RtpPacket p = new RtpPacket();
            p.wrap(buf, 0, buf.length);
            p.markKeyframeStart(keyframe && i == 0);
            out.add(p);
            seq = (seq + 1) & 0xFFFF;
        }
        pictureId = (pictureId + 1) & 0x7FFF;
        timestamp = (timestamp + 3000) & 0xFFFFFFFFL;
        frame++;
        return out;
    }
}
