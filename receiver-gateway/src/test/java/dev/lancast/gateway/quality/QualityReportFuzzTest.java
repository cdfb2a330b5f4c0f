package dev.lancast.gateway.quality;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Any body of POST /whep/{stream}/{session}/quality: either refused with a reason a log can quote
 * (printable ASCII) or a report whose figures are in bounds, which the aggregation takes without
 * failing. Seeds: QualityReportFuzzTestInputs/body.
 */
@Tag("long")
class QualityReportFuzzTest {
    private long now = 1_000_000_000L;
    private final ViewerQuality quality =
            new ViewerQuality((stream, session) -> true, () -> List.of("main"), 4, () -> now);

    @FuzzTest
    void body(byte[] body) {
        QualityReport r;
        try {
            r = QualityReport.parse(body);
        } catch (QualityReport.Malformed e) {
            assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), e.getMessage());
            return;
        }
        for (long v : new long[] {r.freezes(), r.lost(), r.received()}) {
            assertTrue(v >= 0 && v <= QualityReport.MAX_COUNT);
        }
        for (long v : new long[] {r.freezeMs(), r.stallMs()}) {
            assertTrue(v >= 0 && v <= QualityReport.MAX_MILLIS);
        }
        assertTrue(r.joinMs() >= -1 && r.joinMs() <= QualityReport.MAX_MILLIS);
        now += 3_000_000_000L;
        if (quality.admit("main", "s") == ViewerQuality.Admission.OK) {
            quality.record("main", "s", r);
        }
        quality.status("main");
    }
}
