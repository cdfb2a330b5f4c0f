package dev.lancast.rtc.media;

import static dev.lancast.rtc.media.Packets.MS;
import static dev.lancast.rtc.media.Packets.VIDEO;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtp.TrackRewriter;
import org.junit.jupiter.api.Test;

class ReceiveStatsTest {
    private final RecordingFeedbackPort port = new RecordingFeedbackPort();

    @Test
    void noBlockBeforeTheFirstPacketThenLossOfTheIntervalAndInTotal() {
        ReceiveStats stats = new ReceiveStats();
        TrackPipeline p = new TrackPipeline(VIDEO, stats);
        p.report(0, port);
        assertEquals(0, port.blocks.size());
        for (int seq = 100; seq < 110; seq++) {
            if (seq != 103 && seq != 104) {
                p.onRtp(Packets.rtp(seq, 0xAAAA), seq * MS);
            }
        }
        p.report(200 * MS, port);
        ReportBlock b = port.blocks.get(0);
        assertEquals(0xAAAA, b.ssrc());
        assertEquals(2 * 256 / 10, b.fractionLost(), "2 of 10 in this interval");
        assertEquals(2, b.cumulativeLost());
        assertEquals(109, b.extHighestSeq());
        assertEquals(0, b.lsr(), "no sender report tap: no LSR");
        assertEquals(0, b.dlsr());
        p.onRtp(Packets.rtp(110, 0xAAAA), 300 * MS);
        p.report(400 * MS, port);
        assertEquals(0, port.blocks.get(1).fractionLost(), "nothing lost since the last report");
        assertEquals(2, port.blocks.get(1).cumulativeLost());
    }

    @Test
    void theBlockCarriesLsrAndDlsrOfTheSourcesLastSenderReport() {
        TrackRewriter rewriter = new TrackRewriter(0x5555, 90000, 0, 0);
        SenderReportTap tap = new SenderReportTap(rewriter);
        TrackPipeline p = new TrackPipeline(VIDEO, new Rewriting(rewriter), tap, new ReceiveStats(tap));
        p.onRtp(Packets.rtp(1, 0xAAAA), 0);
        long ntp = 0x0001_2345_6789_0000L;
        p.onSenderReport(0xAAAA, ntp, 3000, 10 * MS);
        p.report(510 * MS, port);
        assertEquals(0x2345_6789L, port.blocks.get(0).lsr());
        assertEquals(65536 / 2, port.blocks.get(0).dlsr(), "half a second since the report");
    }

    @Test
    void aNewSourceStartsTheStatisticsAgain() {
        TrackPipeline p = new TrackPipeline(VIDEO, new ReceiveStats());
        p.onRtp(Packets.rtp(1, 0xAAAA), 0);
        p.onRtp(Packets.rtp(5, 0xAAAA), 0);
        p.onRtp(Packets.rtp(60000, 0xBBBB), 0);
        p.report(MS, port);
        assertEquals(0xBBBB, port.blocks.get(0).ssrc());
        assertEquals(0, port.blocks.get(0).cumulativeLost(), "the old source's loss is not the new one's");
        assertEquals(60000, port.blocks.get(0).extHighestSeq());
    }
}
