package dev.lancast.bench.jmh;

import dev.lancast.gateway.relay.ThreadedFanOutHarness;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's fan-out on {@code loops} media loops that are real threads
 * ({@link ThreadedFanOutHarness}): does a second loop (a second core) deliver twice the packets?
 * The relay decrypts each multicast packet once on loop 0 and hands it to the other loop's inbox;
 * each loop encrypts and writes for its own half of the viewers.
 *
 * <p>Mode: throughput of delivered packets. One invocation feeds one multicast packet to loop 0
 * (waiting, parked, while {@value ThreadedFanOutHarness#WINDOW} are in flight), and counts as one
 * operation per viewer, so the score is <b>viewer packets delivered per second</b> of wall time
 * (sent to the socketless channel where the socket write would begin). In the steady state the
 * feeder can only go as fast as the slowest loop delivers, so packets fed per second are packets
 * delivered per second; the difference is at most the window, 64 multicast packets per iteration
 * (under 1 % of an iteration's packets at 1000 viewers, less at 250), and on the generous side.
 * The loops are not drained between iterations, so no iteration starts with idle loops. After
 * each iteration the benchmark checks that nothing was dropped (inbox full, socket busy,
 * authentication) and at the end that every viewer got every packet.
 *
 * <p>The feeder (the benchmark thread) stands for the multicast socket's reads and should cost
 * little, since on a 2-core machine it shares the cores with two loops: after each iteration the
 * benchmark prints the CPU time of the feeder and of each loop as a share of the iteration's wall
 * time ({@code cpu: feeder 0.4 %, loops 99.1 % 97.8 %}), from the JVM's per-thread CPU clocks.
 * Compare {@code loops=2} with {@code loops=1} for the same method: the target is a ratio of
 * 1.8 or more.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class MediaLoopsBenchmark {

    /** A relay on its media loops, and the CPU clocks of the feeder and the loops for each iteration. */
    public abstract static class Loops {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final int viewers;
        ThreadedFanOutHarness harness;
        private Thread[] loopThreads;
        private long[] loopCpuAt;
        private long feederCpuAt;
        private long wallAt;

        Loops(int viewers) {
            this.viewers = viewers;
        }

        /** The {@code loops} parameter (JMH wants it declared in the {@code @State} class itself). */
        abstract int loops();

        @Setup(Level.Trial)
        public void setUp() {
            harness = new ThreadedFanOutHarness(viewers, loops());
            loopThreads = harness.loopThreads();
            loopCpuAt = new long[loopThreads.length];
        }

        @Setup(Level.Iteration)
        public void startClocks() {
            wallAt = System.nanoTime();
            feederCpuAt = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < loopThreads.length; i++) {
                loopCpuAt[i] = THREADS.getThreadCpuTime(loopThreads[i].getId());
            }
        }

        @TearDown(Level.Iteration)
        public void check() {
            double wall = System.nanoTime() - wallAt;
            StringBuilder line = new StringBuilder(String.format(
                    Locale.ROOT,
                    "cpu: feeder %.1f %%, loops",
                    100 * (THREADS.getCurrentThreadCpuTime() - feederCpuAt) / wall));
            for (int i = 0; i < loopThreads.length; i++) {
                line.append(String.format(
                        Locale.ROOT,
                        " %.1f %%",
                        100 * (THREADS.getThreadCpuTime(loopThreads[i].getId()) - loopCpuAt[i]) / wall));
            }
            System.out.println(line);
            harness.checkNothingDropped();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                harness.verifyAllDelivered();
            } finally {
                harness.close();
            }
        }
    }

    @State(Scope.Thread)
    public static class Viewers250 extends Loops {
        @Param({"1", "2"})
        public int loops;

        public Viewers250() {
            super(250);
        }

        @Override
        int loops() {
            return loops;
        }
    }

    @State(Scope.Thread)
    public static class Viewers1000 extends Loops {
        @Param({"1", "2"})
        public int loops;

        public Viewers1000() {
            super(1000);
        }

        @Override
        int loops() {
            return loops;
        }
    }

    @Benchmark
    @OperationsPerInvocation(250)
    public void viewers250(Viewers250 relay) {
        relay.harness.feed();
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public void viewers1000(Viewers1000 relay) {
        relay.harness.feed();
    }
}
