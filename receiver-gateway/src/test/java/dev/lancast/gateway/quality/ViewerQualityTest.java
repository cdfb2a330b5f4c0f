package dev.lancast.gateway.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The viewers' reports aggregated per stream on a fake clock, as the gateway's HTTP thread feeds them. */
class ViewerQualityTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;
    private long now = 1000 * S;
    private final Set<String> sessions = new HashSet<>(Set.of("main/a", "main/b", "main/c", "other/x"));
    private final Set<String> streamNames = new LinkedHashSet<>(List.of("main", "other"));
    private final ViewerQuality quality =
            new ViewerQuality((stream, id) -> sessions.contains(stream + "/" + id), () -> streamNames, 3, () -> now);
    private final CounterTable table = new CounterTable();

    {
        quality.registerIn(table);
    }

    /** A report as the page sends it, admitted from its headers first. */
    private ViewerQuality.Admission report(
            String stream,
            String id,
            long freezes,
            long freezeMs,
            long stallMs,
            long lost,
            long received,
            long joinMs) {
        ViewerQuality.Admission admission = quality.admit(stream, id);
        if (admission == ViewerQuality.Admission.OK) {
            quality.record(stream, id, new QualityReport(freezes, freezeMs, stallMs, lost, received, joinMs));
        }
        return admission;
    }

    private long metric(CounterDescriptor d, String label) {
        return table.samples(d).stream()
                .filter(s -> s.labelValue().equals(label))
                .findFirst()
                .map(CounterTable.Sample::value)
                .orElse(-1L);
    }

    @Test
    void aSessionsCountsAddTheirDifferencesAndTheTimeBetweenReports() {
        assertEquals(ViewerQuality.Admission.OK, report("main", "a", 0, 0, 0, 0, 0, 240)); // at its first frame
        now += 10 * S;
        report("main", "a", 1, 1200, 1250, 3, 800, -1);
        now += 10 * S;
        report("main", "a", 3, 2000, 400, 3, 1600, -1);
        Map<String, Object> s = quality.status("main");
        assertEquals(1, s.get("reporting"));
        assertEquals(0.33, s.get("viewerMinutes"), "20 s between the first and the last report");
        assertEquals(3L, s.get("freezes"));
        assertEquals(2.0, s.get("freezeSeconds"));
        assertEquals(9.0, s.get("freezesPerViewerMinute"));
        assertEquals(1250L, s.get("longestStallMs"));
        assertEquals(1, s.get("joins"));
        assertEquals(240L, s.get("joinP50Ms"));
        assertEquals(240L, s.get("joinP95Ms"));
        assertEquals(0.19, s.get("lossPercent"), "3 of 1603 packets");
        assertEquals(3, metric(ViewerQuality.FREEZES, "main"));
        assertEquals(2000, metric(ViewerQuality.FREEZE_MS, "main"));
        assertEquals(20, metric(ViewerQuality.REPORTED_SECONDS, "main"));
        assertEquals(3, metric(ViewerQuality.REPORTS, "main"));
        assertEquals(240, metric(ViewerQuality.JOIN_P50, "main"));
        assertEquals(1, metric(ViewerQuality.REPORTING, "main"));
    }

    @Test
    void aJoinCountsOnceAndPercentilesComeFromTheLastFiveMinutes() {
        for (String id : List.of("a", "b", "c")) {
            report("main", id, 0, 0, 0, 0, 0, id.equals("c") ? 2000 : 200);
            now += 3 * S;
            report("main", id, 0, 0, 0, 0, 0, 5000); // a second join of one session is not counted
        }
        Map<String, Object> s = quality.status("main");
        assertEquals(3, s.get("joins"));
        assertEquals(200L, s.get("joinP50Ms"));
        assertEquals(2000L, s.get("joinP95Ms"));
        assertEquals(3, metric(ViewerQuality.JOINS, "main"));
        assertEquals(2400, metric(ViewerQuality.JOIN_MS, "main"));
        now += 301 * S;
        s = quality.status("main");
        assertEquals(0, s.get("joins"), "five minutes later the window is empty");
        assertNull(s.get("joinP50Ms"));
        assertEquals(0, s.get("reporting"), "and nobody reported in the last 25 s");
        assertEquals(-1, metric(ViewerQuality.JOIN_P50, "main"), "no percentile series without joins");
        assertEquals(3, metric(ViewerQuality.JOINS, "main"), "the total stays");
    }

    @Test
    void everyStreamOfTheGatewayHasItsSeriesFromTheStart() {
        assertEquals(0, metric(ViewerQuality.FREEZES, "main"));
        assertEquals(0, metric(ViewerQuality.REPORTING, "other"));
        assertEquals(0, metric(ViewerQuality.LONGEST_STALL, "other"));
        assertEquals(-1, metric(ViewerQuality.JOIN_P95, "main"), "a percentile only with joins");
    }

    @Test
    void aSessionReportsAtMostEveryTwoSecondsAndAnUnknownOneCostsNothing() {
        assertEquals(ViewerQuality.Admission.NO_SESSION, report("main", "nope", 0, 0, 0, 0, 0, -1));
        assertEquals(ViewerQuality.Admission.NO_SESSION, report("other", "a", 0, 0, 0, 0, 0, -1), "a's stream is main");
        assertNull(quality.status("main").get("longestStallMs"));
        assertEquals(ViewerQuality.Admission.OK, report("main", "a", 0, 0, 0, 0, 0, -1));
        now += 1900 * MS;
        assertEquals(ViewerQuality.Admission.TOO_SOON, report("main", "a", 0, 0, 0, 0, 0, -1));
        now += 200 * MS;
        assertEquals(
                ViewerQuality.Admission.OK, report("main", "a", 0, 0, 0, 0, 0, -1), "2 s after the last one admitted");
        now += 1 * S;
        assertEquals(ViewerQuality.Admission.TOO_SOON, report("main", "a", 0, 0, 0, 0, 0, -1));
        assertEquals(2, metric(ViewerQuality.REFUSED, "too_often"));
    }

    @Test
    void aReportAddsNoMoreThanTheTimeItCovers() {
        report("main", "a", 0, 0, 0, 0, 0, -1);
        now += 10 * S;
        report("main", "a", 1_000_000, 1_000_000_000, 1_000_000_000, 1_000_000_000, 1_000_000_000, -1);
        Map<String, Object> s = quality.status("main");
        assertEquals(133L, s.get("freezes"), "20 s (10 s and the slack) of freezes of 150 ms at least");
        assertEquals(20.0, s.get("freezeSeconds"));
        assertEquals(20_000L, s.get("longestStallMs"));
        assertEquals(400_000, metric(ViewerQuality.RECEIVED, "main"), "20 s at 20,000 packets/s");
    }

    @Test
    void aCountThatGoesDownStartsAfresh() {
        report("main", "a", 5, 5000, 0, 0, 100, -1);
        now += 10 * S;
        report("main", "a", 1, 300, 0, 0, 50, -1);
        assertEquals(6, metric(ViewerQuality.FREEZES, "main"));
        assertEquals(150, metric(ViewerQuality.RECEIVED, "main"));
    }

    @Test
    void figuresAreKeptForAsManySessionsAsAreAdmittedAndGoWithTheirSessions() {
        report("main", "a", 0, 0, 0, 0, 0, -1);
        report("main", "b", 0, 0, 0, 0, 0, -1);
        report("main", "c", 0, 0, 0, 0, 0, -1);
        assertEquals(ViewerQuality.Admission.FULL, report("other", "x", 0, 0, 0, 0, 0, -1));
        assertEquals(1, metric(ViewerQuality.REFUSED, "full"));
        sessions.remove("main/b");
        assertEquals(ViewerQuality.Admission.OK, report("other", "x", 0, 0, 0, 0, 0, -1), "b's place is free");
        assertEquals(2, metric(ViewerQuality.REPORTING, "main"), "a and c");
        assertEquals(1, metric(ViewerQuality.REPORTING, "other"), "x");
    }

    @Test
    void aStreamThatLeavesTakesItsSeriesWithIt() {
        report("main", "a", 1, 200, 0, 0, 10, 300);
        report("other", "x", 0, 0, 0, 0, 10, -1);
        streamNames.remove("main"); // the gateway's relay goes, then its figures
        quality.retain(streamNames);
        assertEquals(-1, metric(ViewerQuality.FREEZES, "main"));
        assertEquals(0, metric(ViewerQuality.FREEZES, "other"));
        assertEquals(1, metric(ViewerQuality.REPORTING, "other"), "the other stream's viewer stays");
        assertEquals(0L, quality.status("main").get("freezes"));
        assertEquals(0, quality.status("main").get("reporting"), "main's viewer went with it");
    }
}
