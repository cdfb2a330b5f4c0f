package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.Vp8Descriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One viewer's numbering across layer switches, thinning and late packets, checked the way a
 * browser's receiver reads it: sequence numbers without a gap or a repeat, the timestamps of
 * frames going forward, picture IDs and TL0PICIDX running on by one, and a NACK answered with the
 * very bytes sent the first time.
 */
class ViewerVideoTest {
    private static final long VIEWER_SSRC = 0xBEEF;
    private final ViewerVideo video = new ViewerVideo();
    private final PacketFacts facts = new PacketFacts();
    /** What the viewer got, by its sequence number: the bytes, and the relay packet's values. */
    private final Map<Integer, byte[]> sent = new HashMap<>();

    private final List<RtpPacket> received = new ArrayList<>();

    private boolean forward(RtpPacket relay) {
        byte[] copy = relay.buffer().clone();
        RtpPacket p = new RtpPacket();
        p.wrap(copy, 0, copy.length);
        p.markKeyframeStart(relay.startsKeyframe());
        facts.read(p, true);
        if (!video.forward(p, facts, VIEWER_SSRC)) {
            return false;
        }
        byte[] bytes = copy.clone();
        assertTrue(sent.put(p.sequenceNumber(), bytes) == null, "number " + p.sequenceNumber() + " given twice");
        RtpPacket got = new RtpPacket();
        got.wrap(bytes, 0, bytes.length);
        received.add(got);
        return true;
    }

    private void forwardAll(List<RtpPacket> packets) {
        packets.forEach(this::forward);
    }

    /** The viewer's stream as a browser checks it: continuous numbers, frames going forward, pictures by one. */
    private void assertPlayable() {
        Vp8Descriptor d = new Vp8Descriptor();
        int lastSeq = -1;
        long lastTs = -1;
        int lastPic = -1;
        int lastTl0 = -1;
        for (RtpPacket p : received) {
            assertEquals(VIEWER_SSRC, p.ssrc());
            if (lastSeq >= 0) {
                assertEquals((lastSeq + 1) & 0xFFFF, p.sequenceNumber(), "numbers run on without a gap");
            }
            lastSeq = p.sequenceNumber();
            assertTrue(d.wrap(p.buffer(), p.payloadOffset(), p.payloadLength()));
            if (d.frameStart()) {
                if (lastTs >= 0) {
                    assertTrue(
                            ((p.timestamp() - lastTs) & 0xFFFFFFFFL) > 0
                                    && ((p.timestamp() - lastTs) & 0xFFFFFFFFL) < 0x80000000L,
                            "a frame's timestamp is after the last one's: " + lastTs + " -> " + p.timestamp());
                    assertEquals((lastPic + 1) & 0x7FFF, d.pictureId(), "picture IDs run on by one");
                    if (d.temporalLayer() == 0) {
                        assertEquals(
                                (lastTl0 + 1) & 0xFF, d.tl0PicIdx(), "TL0PICIDX runs on by one at each base frame");
                    } else {
                        assertEquals(lastTl0, d.tl0PicIdx(), "a higher temporal layer names the last base frame");
                    }
                }
                lastTs = p.timestamp();
                lastPic = d.pictureId();
                lastTl0 = d.tl0PicIdx();
            } else {
                assertEquals(lastTs, p.timestamp(), "a frame's packets share its timestamp");
                assertEquals(lastPic, d.pictureId(), "a frame's packets share its picture ID");
            }
        }
    }

    @Test
    void aSwitchAtAKeyframeOfAnotherLayerRunsOnWithoutAGap() {
        Vp8Stream low = new Vp8Stream(0x10, 1000, 500, 90_000, 2);
        Vp8Stream high = new Vp8Stream(0x30, 40_000, 20_000, 90_000, 4);
        video.join(0, -1);
        forwardAll(low.frame(true));
        for (int i = 0; i < 10; i++) {
            forwardAll(low.frame(false));
            high.frame(i == 0);
        }
        List<RtpPacket> keyframe = high.frame(true);
        video.switchTo(2, keyframe.get(0).sequenceNumber(), LayerLadder.ALL_TEMPORAL);
        forwardAll(keyframe);
        for (int i = 0; i < 8; i++) {
            forwardAll(high.frame(false));
        }
        assertPlayable();
        assertEquals(2 + 10 * 2 + 4 + 8 * 4, received.size());
    }

    @Test
    void aReplayedGroupOfPicturesThenTheLiveFramesRunOnAndTheHigherTemporalLayersComeBackAtTheirSyncFrames() {
        Vp8Stream low = new Vp8Stream(0x10, 1000, 500, 90_000, 2);
        Vp8Stream high = new Vp8Stream(0x30, 40_000, 20_000, 90_000, 4);
        video.join(0, -1);
        forwardAll(low.frame(true));
        List<RtpPacket> group = new ArrayList<>(high.frame(true));
        for (int i = 0; i < 9; i++) {
            forwardAll(low.frame(false));
            group.addAll(high.frame(false));
        }
        video.switchTo(2, group.get(0).sequenceNumber(), 0);
        video.beginReplay();
        int replayed = 0;
        for (RtpPacket p : group) {
            replayed += forward(p) ? 1 : 0;
        }
        video.endReplay();
        assertEquals(3 * 4, replayed, "the keyframe and the two base-layer frames after it");
        for (int i = 0; i < 12; i++) {
            forwardAll(high.frame(false));
        }
        assertPlayable();
        Vp8Descriptor d = new Vp8Descriptor();
        RtpPacket last = received.get(received.size() - 1);
        d.wrap(last.buffer(), last.payloadOffset(), last.payloadLength());
        assertEquals(2, d.temporalLayer(), "every temporal layer is back after their sync frames");
    }
}
