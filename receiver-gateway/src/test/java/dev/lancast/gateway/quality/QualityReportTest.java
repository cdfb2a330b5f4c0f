package dev.lancast.gateway.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The viewer page's report as the gateway reads it: whole numbers in bounds, or a refusal that says why. */
class QualityReportTest {
    private static QualityReport parse(String body) throws QualityReport.Malformed {
        return QualityReport.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(String body) {
        return assertThrows(QualityReport.Malformed.class, () -> parse(body)).getMessage();
    }

    @Test
    void readsTheViewerPagesReport() throws Exception {
        assertEquals(
                new QualityReport(2, 1530, 1210, 4, 9000, 240),
                parse(
                        "{\"freezes\":2,\"freezeMs\":1530,\"stallMs\":1210,\"lost\":4,\"received\":9000,\"joinMs\":240}"));
        assertEquals(
                new QualityReport(0, 0, 40, 0, 10, -1),
                parse(" {\"received\":10,\"lost\":0,\"stallMs\":40,\"freezeMs\":0,\"freezes\":0} "),
                "no join in this report");
    }

    @Test
    void ignoresKeysOfAnotherVersionOfThePage() throws Exception {
        assertEquals(
                new QualityReport(0, 0, 0, 0, 0, -1),
                parse("{\"freezes\":0,\"freezeMs\":0,\"stallMs\":0,\"lost\":0,"
                        + "\"received\":0,\"pauses\":3,\"codec\":\"VP8\",\"fps\":29.97,\"hidden\":false,\"x\":null}"));
    }

    @Test
    void refusesWhatIsNotAReportWithTheReason() {
        assertEquals(
                "freezes is missing (a report has freezes, freezeMs, stallMs, lost, received)",
                refusal("{\"freezeMs\":0,\"stallMs\":0,\"lost\":0,\"received\":0}"));
        assertEquals(
                "freezeMs must be a whole number",
                refusal("{\"freezes\":0,\"freezeMs\":1.5,\"stallMs\":0,\"lost\":0,\"received\":0}"));
        assertEquals(
                "lost must be a whole number",
                refusal("{\"freezes\":0,\"freezeMs\":0,\"stallMs\":0,\"lost\":\"4\",\"received\":0}"));
        assertEquals(
                "stallMs must be 0..604800000",
                refusal("{\"freezes\":0,\"freezeMs\":0,\"stallMs\":-1,\"lost\":0,\"received\":0}"));
        assertEquals(
                "received must be 0..1099511627776",
                refusal(
                        "{\"freezes\":0,\"freezeMs\":0,\"stallMs\":0,\"lost\":0,\"received\":99999999999999999999999}"));
        assertEquals("a quality report is a flat JSON object", refusal("{\"freezes\":{\"a\":1}}"));
        assertEquals("a quality report is a flat JSON object", refusal("{\"other\":[1,2]}"));
        assertEquals("a quality report is a JSON object", refusal("[1]"));
        assertEquals(
                "nothing may follow the report's JSON object",
                refusal("{\"freezes\":0,\"freezeMs\":0,\"stallMs\":0,\"lost\":0,\"received\":0} {}"));
        assertEquals("a quality report is at most 1024 bytes, got 1025", refusal(" ".repeat(1025)));
        assertEquals(true, refusal("{\"freezes\":0,").startsWith("not JSON: "));
        assertEquals(
                true, refusal("\u0001\u001b[31m").matches("not JSON: [ -~]*"), "the parser's words, printable only");
    }
}
