package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a stream costs a gateway's media loops before anyone watches it (security review N15): the
 * relay's own loop keeps its caches (joiners on any loop are primed from them), every other loop
 * keeps nothing of the stream until its first viewer. Each loop is an {@link EmbeddedChannel}'s,
 * run on the test thread, so the thread's allocated-bytes counter sees all of it: deterministic,
 * no timing. Before, each loop preallocated its inbox and every track slot's repair and keyframe
 * caches (four layer slots and audio): measured here, 8.1 MB for one loop and 14.6 MB for two, so
 * about 52 MB for the eight, with no viewer.
 */
class ShardMemoryTest {
    private static final int LOOPS = 8;
    /** The relay's loop's caches filled (~1 MB) and the other loops' empty tables, with room to spare. */
    private static final long BUDGET_BYTES = 4L << 20;

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void aStreamWithoutViewersCostsTheOtherMediaLoopsNothing() {
        long now = 1_000_000_000L;
        List<EmbeddedChannel> sockets = new ArrayList<>();
        for (int i = 0; i < LOOPS; i++) {
            sockets.add(new EmbeddedChannel());
        }
        byte[] buf = new byte[1200];
        RtpPacket rtp = new RtpPacket();
        // The classes' first use (loading, Netty's and the counters' statics) is not the stream's cost.
        EmbeddedChannel first = new EmbeddedChannel();
        new ShardedFanout("warm-up", first.eventLoop(), List.of(first), () -> 0L, new CounterTable()).close();
        first.close();
        long before = threads.getCurrentThreadAllocatedBytes();
        ShardedFanout fanout = new ShardedFanout(
                "main", sockets.get(0).eventLoop(), sockets, () -> 1_000_000_000L, new CounterTable());
        long built = threads.getCurrentThreadAllocatedBytes() - before;
        // Ten seconds of a 1 Mbit/s stream: a keyframe of 10 packets every 100, and audio.
        for (int seq = 0; seq < 3000; seq++) {
            int slot = seq % 3 == 0 ? Track.AUDIO_SLOT : 0;
            RtpPacket.writeHeader(buf, 0, seq % 100 == 9, slot == 0 ? 96 : 111, seq, seq * 900L, slot == 0 ? 1 : 2);
            rtp.wrap(buf, 0, slot == 0 ? buf.length : 160);
            rtp.markKeyframeStart(slot == 0 && seq % 100 == 0);
            fanout.onMedia(slot, rtp, now);
            if (seq % 50 == 0) {
                sockets.forEach(EmbeddedChannel::runPendingTasks);
            }
        }
        sockets.forEach(EmbeddedChannel::runPendingTasks);
        long total = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf(
                "a stream on %d media loops without viewers: %d kB to build, %d kB after 3,000 packets%n",
                LOOPS, built >> 10, total >> 10);
        assertTrue(
                total < BUDGET_BYTES,
                "a stream nobody watches took " + (total >> 10) + " kB on " + LOOPS + " media loops (" + (built >> 10)
                        + " kB to build)");
        fanout.close();
        sockets.forEach(EmbeddedChannel::close);
    }
}
