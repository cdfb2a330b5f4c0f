package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway's fan-out allocates nothing per delivered packet (issue 11's "0 B/op"), checked
 * without JMH so that the answer does not depend on how busy the machine is: the relay is driven
 * on this thread ({@link FanOutHarness}), and the JVM's count of bytes allocated by this thread
 * alone is read around windows of packets. Another thread's work (the harness's refill, the JIT,
 * the GC, a build beside the test) is not in that count.
 *
 * <p>What the JIT does is: until C2 has compiled the path, the interpreter and C1 allocate what
 * escape analysis would later remove. So the test relays windows until one delivers
 * {@value #WINDOW_PACKETS} multicast packets to {@value #VIEWERS} viewers under the bound, and
 * fails if none does within {@value #MAX_WINDOWS} windows (a budget counted in packets, not in
 * seconds: a slow machine only takes longer). Code that allocates on every packet never gets under
 * the bound: replacing the shard's per-packet loop with a stream, or a per-packet
 * {@code GCMParameterSpec} (SunJCE's path), makes every window allocate tens of bytes per packet.
 * The figure itself (ns and B per delivered packet) is {@code bench/jmh/run FanOut}'s, in
 * docs/benchmarks.md.
 */
@Tag("long")
class FanOutAllocationTest {
    private static final int VIEWERS = 20;
    private static final int WINDOW_PACKETS = 20_000;
    private static final int MAX_WINDOWS = 60;
    /** Bytes per delivered packet: 0 in the steady state; this leaves room for a rare once-per-window object. */
    private static final double BOUND = 0.05;

    @Test
    @Timeout(600)
    void theFanOutAllocatesNothingPerDeliveredPacketOnceCompiled() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count a thread's allocations");
        // The product's crypto path (the lancast command pins it the same way); SunJCE's GCM allocates per packet.
        assertTrue(JitsiOpenSslProvider.isLoaded(), "libjitsisrtp (OpenSSL) must load on the test machine");
        long thread = Thread.currentThread().getId();
        double best = Double.MAX_VALUE;
        try (FanOutHarness harness = new FanOutHarness(VIEWERS)) {
            for (int window = 0; window < MAX_WINDOWS; window++) {
                long before = threads.getThreadAllocatedBytes(thread);
                for (int i = 0; i < WINDOW_PACKETS; i++) {
                    harness.onMulticastPacket();
                }
                long allocated = threads.getThreadAllocatedBytes(thread) - before;
                harness.verifyAllDelivered();
                best = Math.min(best, (double) allocated / ((long) WINDOW_PACKETS * VIEWERS));
                if (best < BOUND) {
                    System.out.printf("fan-out: %.4f B per delivered packet in window %d%n", best, window + 1);
                    return;
                }
            }
        }
        assertTrue(
                best < BOUND,
                "every window of " + WINDOW_PACKETS + " packets to " + VIEWERS + " viewers allocated; the least was "
                        + best + " B per delivered packet");
    }
}
