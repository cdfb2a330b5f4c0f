package dev.lancast.gateway.relay;

import dev.lancast.rtc.media.FeedbackPort;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtcp.ReportBlock;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A relay's feedback to the bridge, as its tracks' {@link FeedbackPort}: NACKs and keyframe
 * requests go out at once by unicast (SRTCP under the group's feedback key, {@link FeedbackSender});
 * report blocks are collected for the next receiver report. Keyframe requests (a new viewer, a
 * viewer's PLI or FIR, a viewer switched to a layer) name the video layer's SSRC and go out at most
 * one per {@value #KEYFRAME_MIN_INTERVAL_MS} ms per layer: the bridge merges every gateway's
 * anyway. The relay's media loop only.
 */
final class RelayFeedback implements FeedbackPort {
    static final long KEYFRAME_MIN_INTERVAL_MS = 200;
    private static final long KEYFRAME_MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(KEYFRAME_MIN_INTERVAL_MS);

    private final FeedbackSender sender;
    private final ReportBlock[] blocks = new ReportBlock[Track.SLOTS];
    private int blockCount;
    /** By video layer: when a keyframe of it was last asked for, -1 never. */
    private final long[] lastKeyframeRequestNanos = new long[Track.MAX_LAYERS];

    RelayFeedback(FeedbackSender sender) {
        this.sender = sender;
        Arrays.fill(lastKeyframeRequestNanos, -1);
    }

    @Override
    public void nack(Track track, long mediaSsrc, int[] seqs, int count) {
        sender.sendNack(track.feedback(), mediaSsrc, seqs, count);
    }

    @Override
    public void keyframeRequest(Track track, long mediaSsrc) {
        sender.sendPli(track.feedback(), mediaSsrc);
    }

    /** A keyframe of a video layer's track, unless one was asked for less than the minimum interval ago. */
    void requestKeyframe(Track video, long nowNanos) {
        if (video == null) {
            return;
        }
        long last = lastKeyframeRequestNanos[video.layer()];
        if (last >= 0 && nowNanos - last < KEYFRAME_MIN_INTERVAL_NANOS) {
            return;
        }
        lastKeyframeRequestNanos[video.layer()] = nowNanos;
        keyframeRequest(video, video.ssrc());
    }

    @Override
    public void reportBlock(Track track, ReportBlock block) {
        if (blockCount < blocks.length) {
            blocks[blockCount++] = block;
        }
    }

    /** Starts collecting the blocks of one receiver report. */
    void startReport() {
        blockCount = 0;
    }

    /** Sends the receiver report of the blocks collected since {@link #startReport}, about the track's stream. */
    void sendReport(Track about) {
        sender.sendReceiverReport(about.feedback(), Arrays.copyOf(blocks, blockCount));
    }
}
