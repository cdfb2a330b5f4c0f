package dev.lancast.bench.jmh;

import dev.lancast.gateway.relay.FanOutHarness;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's fan-out: one multicast packet ({@value FanOutHarness#PACKET_SIZE}-byte VP8 RTP) to
 * 1, 100 or 1000 viewers, as {@link FanOutHarness} describes. An operation is one delivered packet
 * (one viewer's copy), so the score is nanoseconds per delivered packet and, with {@code -prof gc},
 * {@code gc.alloc.rate.norm} is bytes allocated per delivered packet. The per-multicast-packet work
 * (group decrypt, bookkeeping) is shared by the viewers: all of it in {@code viewers1}, a
 * thousandth in {@code viewers1000}. The crypto path is the product's: OpenSSL where libjitsisrtp loads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanOutBenchmark {

    /** A relay and its viewers for one benchmark; checks after each iteration that nothing was dropped. */
    public abstract static class Relay {
        private final int viewers;
        private final int loops;
        FanOutHarness harness;

        Relay(int viewers) {
            this(viewers, 1);
        }

        Relay(int viewers, int loops) {
            this.viewers = viewers;
            this.loops = loops;
        }

        @Setup(Level.Trial)
        public void setUp() {
            harness = new FanOutHarness(viewers, loops);
        }

        @TearDown(Level.Iteration)
        public void verify() {
            harness.verifyAllDelivered();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            harness.close();
        }
    }

    @State(Scope.Thread)
    public static class Viewers1 extends Relay {
        public Viewers1() {
            super(1);
        }
    }

    @State(Scope.Thread)
    public static class Viewers100 extends Relay {
        public Viewers100() {
            super(100);
        }
    }

    @State(Scope.Thread)
    public static class Viewers1000 extends Relay {
        public Viewers1000() {
            super(1000);
        }
    }

    /** 1000 viewers over two media loops: the second loop's shard is reached through its inbox. */
    @State(Scope.Thread)
    public static class Viewers1000TwoLoops extends Relay {
        public Viewers1000TwoLoops() {
            super(1000, 2);
        }
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public void viewers1(Viewers1 relay) {
        relay.harness.onMulticastPacket();
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public void viewers100(Viewers100 relay) {
        relay.harness.onMulticastPacket();
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public void viewers1000(Viewers1000 relay) {
        relay.harness.onMulticastPacket();
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public void viewers1000TwoLoops(Viewers1000TwoLoops relay) {
        relay.harness.onMulticastPacket();
    }
}
