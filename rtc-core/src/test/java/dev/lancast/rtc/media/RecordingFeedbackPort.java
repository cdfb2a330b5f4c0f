package dev.lancast.rtc.media;

import dev.lancast.rtc.rtcp.ReportBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A FeedbackPort that keeps what the stages sent, for the stages' tests. */
final class RecordingFeedbackPort implements FeedbackPort {
    record Nack(Track track, long mediaSsrc, int[] seqs) {}

    final List<Nack> nacks = new ArrayList<>();
    final List<Long> keyframeRequests = new ArrayList<>();
    final List<ReportBlock> blocks = new ArrayList<>();

    @Override
    public void nack(Track track, long mediaSsrc, int[] seqs, int count) {
        nacks.add(new Nack(track, mediaSsrc, Arrays.copyOf(seqs, count)));
    }

    @Override
    public void keyframeRequest(Track track, long mediaSsrc) {
        keyframeRequests.add(mediaSsrc);
    }

    @Override
    public void reportBlock(Track track, ReportBlock block) {
        blocks.add(block);
    }
}
