package dev.lancast.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.IterationResult;
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
 * dropped packets or SRTP failed, say, fails this test), and the fan-out allocates nothing per
 * delivered packet (issue 11: "0 B/op"). Speed is not asserted. Each run is a JVM of its own (jitsi-srtp keeps its
 * crypto path in static state), so to stay short SRTP runs at one size, each profile on one path:
 * GCM on OpenSSL (where libjitsisrtp loads) and AES-CM + HMAC-SHA1 on the JDK's.
 */
class BenchmarksRunTest {

    @Test
    void everyBenchmarkRunsOnce() throws RunnerException {
        String gcmPath = CryptoPath.openSslAvailable() ? "OPENSSL" : "JAVA";
        List<RunResult> results = new ArrayList<>();
        results.addAll(run(quick().include(SrtpBenchmark.class.getName() + "\\.")
                .param("size", "160").param("profile", "AEAD_AES_128_GCM").param("crypto", gcmPath)));
        results.addAll(run(quick().include(SrtpBenchmark.class.getName() + "\\.")
                .param("size", "160").param("profile", "AES128_CM_HMAC_SHA1_80").param("crypto", "JAVA")));
        results.addAll(run(steady().include(FanOutBenchmark.class.getName() + "\\.")));
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
                ran.add(method + " " + r.getParams().getParam("profile") + " " + r.getParams().getParam("crypto"));
            } else if (method.startsWith("MediaLoopsBenchmark.")) {
                ran.add(method + " loops=" + r.getParams().getParam("loops"));
            } else {
                ran.add(method);
                // The first measured iteration: the last one also holds the trial's tear-down (1,000
                // peers closed), which is not per packet. 0.5 B/op is JMH's own noise and the odd
                // once-per-run object; jitsi-srtp's GCM alone made ~90 B per delivered packet.
                IterationResult first = r.getBenchmarkResults().iterator().next().getIterationResults().iterator().next();
                Result<?> alloc = first.getSecondaryResults().get("gc.alloc.rate.norm");
                assertNotNull(alloc, method + ": no gc.alloc.rate.norm from the GC profiler");
                assertFalse(Double.isNaN(alloc.getScore()), method + ": gc.alloc.rate.norm is NaN");
                assertTrue(alloc.getScore() < 0.5, method + " allocates " + alloc.getScore() + " B per delivered packet");
            }
        }
        assertEquals(new TreeSet<>(Set.of(
                "FanOutBenchmark.viewers1", "FanOutBenchmark.viewers100", "FanOutBenchmark.viewers1000",
                "FanOutBenchmark.viewers1000TwoLoops",
                "MediaLoopsBenchmark.viewers250 loops=2",
                "SrtpBenchmark.protect AEAD_AES_128_GCM " + gcmPath, "SrtpBenchmark.unprotect AEAD_AES_128_GCM " + gcmPath,
                "SrtpBenchmark.protect AES128_CM_HMAC_SHA1_80 JAVA", "SrtpBenchmark.unprotect AES128_CM_HMAC_SHA1_80 JAVA")),
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
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }

    /**
     * For allocation per packet in the steady state: C2 (the product's compiler, whose escape
     * analysis is part of what the product allocates), a warm-up iteration that also holds the
     * trial's set-up (viewers, ~160 MB of prepared datagrams), then two short measured ones.
     */
    private static ChainedOptionsBuilder steady() {
        return new OptionsBuilder()
                .forks(1)
                .jvmArgsAppend("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .warmupIterations(1)
                .warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(2)
                .measurementTime(TimeValue.milliseconds(300))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }
}
