package dev.lancast.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * One short iteration of every benchmark, so that they keep compiling and running as the code
 * under them changes: each must produce a score (a benchmark that throws, because the relay
 * dropped packets or SRTP failed, say, fails this test). No figure is asserted: one iteration of
 * a fraction of a second on a shared machine measures the machine (its allocation per packet
 * moved between 0 and 2.6 B with the JIT's timing, issue 25). The fan-out's 0 B per delivered
 * packet is checked deterministically by {@code FanOutAllocationTest}; the figures are
 * {@code bench/jmh/run}'s, in docs/benchmarks.md. Each run is a JVM of its own (jitsi-srtp keeps
 * its crypto path in static state), so to stay short SRTP runs at one size, each profile on one
 * path: GCM on OpenSSL (where libjitsisrtp loads) and AES-CM + HMAC-SHA1 on the JDK's.
 */
@Tag("long")
class BenchmarksRunTest {

    @Test
    void everyBenchmarkRunsOnce() throws RunnerException {
        String gcmPath = CryptoPath.openSslAvailable() ? "OPENSSL" : "JAVA";
        List<RunResult> results = new ArrayList<>();
        results.addAll(run(quick().include(SrtpBenchmark.class.getName() + "\\.")
                .param("size", "160")
                .param("profile", "AEAD_AES_128_GCM")
                .param("crypto", gcmPath)));
        results.addAll(run(quick().include(SrtpBenchmark.class.getName() + "\\.")
                .param("size", "160")
                .param("profile", "AES128_CM_HMAC_SHA1_80")
                .param("crypto", "JAVA")));
        results.addAll(run(quick().include(FanOutBenchmark.class.getName() + "\\.")));
        // The fan-out on two real media loops, at 250 viewers only (1000 would add their set-up, not coverage).
        results.addAll(run(quick().include(MediaLoopsBenchmark.class.getName() + "\\.viewers250")
                .param("loops", "2")));

        Set<String> ran = new TreeSet<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String method = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Result<?> primary = r.getPrimaryResult();
            assertTrue(primary.getScore() > 0 && !Double.isNaN(primary.getScore()), method + ": no score");
            if (method.startsWith("SrtpBenchmark.")) {
                ran.add(method + " " + r.getParams().getParam("profile") + " "
                        + r.getParams().getParam("crypto"));
            } else if (method.startsWith("MediaLoopsBenchmark.")) {
                ran.add(method + " loops=" + r.getParams().getParam("loops"));
            } else {
                ran.add(method);
            }
        }
        assertEquals(
                new TreeSet<>(Set.of(
                        "FanOutBenchmark.viewers1",
                        "FanOutBenchmark.viewers100",
                        "FanOutBenchmark.viewers1000",
                        "FanOutBenchmark.viewers1000TwoLoops",
                        "MediaLoopsBenchmark.viewers250 loops=2",
                        "SrtpBenchmark.protect AEAD_AES_128_GCM " + gcmPath,
                        "SrtpBenchmark.unprotect AEAD_AES_128_GCM " + gcmPath,
                        "SrtpBenchmark.protect AES128_CM_HMAC_SHA1_80 JAVA",
                        "SrtpBenchmark.unprotect AES128_CM_HMAC_SHA1_80 JAVA")),
                ran);
    }

    /** One fork, no warmup, one 100 ms iteration; C1 only, since nothing is measured and forks start sooner. */
    private static ChainedOptionsBuilder quick() {
        return new OptionsBuilder()
                .forks(1)
                .jvmArgsAppend("-Xmx1g", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }
}
