package dev.lancast.rtc.media;

import static dev.lancast.rtc.media.Packets.MS;
import static dev.lancast.rtc.media.Packets.VIDEO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.rtp.LossDetector;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class NackGeneratorTest {
    /** Always draws the same spreading delay, so the test knows when the first NACK is due. */
    private static final RandomGenerator FOUR_MS = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return Math.min(4 * MS, bound - 1);
        }
    };

    private final RecordingFeedbackPort port = new RecordingFeedbackPort();
    private final NackGenerator nacks = new NackGenerator(new LossDetector(256, 5 * MS, 30 * MS, 2, FOUR_MS));
    private final TrackPipeline pipeline = new TrackPipeline(VIDEO, nacks);

    @Test
    void aGapIsNackedAfterTheDrawnDelayToTheSourceSsrcThenRetriedThenGivenUp() {
        pipeline.onRtp(Packets.rtp(10, 0xAAAA), 0);
        pipeline.onRtp(Packets.rtp(13, 0xAAAA), 1 * MS); // 11 and 12 missing
        pipeline.tick(4 * MS, port);
        assertEquals(0, port.nacks.size(), "not before the spreading delay");
        pipeline.tick(5 * MS, port);
        assertEquals(1, port.nacks.size());
        assertEquals(0xAAAA, port.nacks.get(0).mediaSsrc());
        assertArrayEquals(new int[] {11, 12}, port.nacks.get(0).seqs());
        pipeline.onRtp(Packets.rtp(11, 0xAAAA), 10 * MS); // repaired
        pipeline.tick(35 * MS, port);
        assertArrayEquals(new int[] {12}, port.nacks.get(1).seqs(), "retried at the interval, the repaired one not");
        pipeline.tick(70 * MS, port);
        assertEquals(2, port.nacks.size(), "attempts used up");
        assertEquals(2, nacks.loss().lost());
        assertEquals(1, nacks.loss().repaired());
        assertEquals(1, nacks.loss().unrecovered());
    }

    @Test
    void aNewSourceForgetsTheOldGaps() {
        pipeline.onRtp(Packets.rtp(10, 0xAAAA), 0);
        pipeline.onRtp(Packets.rtp(20, 0xAAAA), 0);
        pipeline.onRtp(Packets.rtp(5000, 0xBBBB), 1 * MS);
        pipeline.onRtp(Packets.rtp(5001, 0xBBBB), 1 * MS);
        pipeline.tick(100 * MS, port);
        assertEquals(0, port.nacks.size(), "the old source's gaps are not asked of the new one");
        assertEquals(9, nacks.loss().unrecovered());
    }
}
