package dev.lancast.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be a
 * HELP or TYPE comment or a sample; anything else fails the test that reads it.
 */
final class PrometheusText {
    private static final Pattern HELP = Pattern.compile("# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*");
    private static final Pattern TYPE = Pattern.compile(
            "# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped|info|stateset|unknown)");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\",?)*\\})?) (\\S+)( -?\\d+)?");

    private PrometheusText() {}

    /** Series (name with labels, as written) to value. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> series = new HashMap<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isEmpty()
                    || HELP.matcher(line).matches()
                    || TYPE.matcher(line).matches()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("line " + n + " is not Prometheus text format: " + line);
            }
            series.put(
                    m.group(1),
                    Double.parseDouble(m.group(5).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        return series;
    }
}
