package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shard's inbox, with the shard's loop an {@link EmbeddedChannel}'s (its tasks run only when the
 * test says): a loop that falls behind loses video first, audio only when the inbox is full, and
 * takes everything queued in one drain, in order, once it runs.
 */
class ShardInboxTest {
    private final EmbeddedChannel socket = new EmbeddedChannel();
    private long now = 1_000_000_000L;
    private final CounterTable counters = new CounterTable();
    private final ViewerShard shard = new ViewerShard(0, socket.eventLoop(), socket, () -> now, counters, "main");
    private final ShardInbox inbox = new ShardInbox(shard, 16, counters);
    private final RtpPacket rtp = new RtpPacket();

    private RtpPacket packet(int seq, long ssrc) {
        byte[] buf = new byte[200];
        RtpPacket.writeHeader(buf, 0, false, 96, seq, seq * 3000L, ssrc);
        rtp.wrap(buf, 0, buf.length);
        return rtp;
    }

    @Test
    void aLoopBehindLosesVideoBeforeAudioAndDrainsInOrder() {
        int video = 0;
        while (inbox.offerMedia(0, packet(video, 1))) {
            video++;
        }
        assertEquals(13, video, "video takes up to three quarters of the 16 slots (and one more)");
        assertEquals(1, inbox.refused(Track.Kind.VIDEO));
        int audio = 0;
        while (inbox.offerMedia(Track.AUDIO_SLOT, packet(audio, 2))) {
            audio++;
        }
        assertEquals(3, audio, "audio fills the rest");
        assertEquals(1, inbox.refused(Track.Kind.AUDIO));
        assertEquals(
                List.of(
                        new CounterTable.Sample("loop_behind_video", 1),
                        new CounterTable.Sample("loop_behind_audio", 1)),
                counters.samples(RelayCounters.VIEWER_PACKETS_DROPPED).subList(2, 4),
                "the table's loop_behind series are the inbox's cells (after the shard's socket_busy ones)");
        assertFalse(inbox.offerMedia(0, packet(99, 1)));

        socket.runPendingTasks();
        // The shard (no viewers yet) cached what it was handed, in order: the last video packet is the newest.
        byte[] out = new byte[1500];
        assertEquals(200, cacheOf(12, out), "video packet 12 reached the shard's repair cache");
        assertTrue(inbox.offerMedia(0, packet(13, 1)), "room again after the drain");
    }

    private int cacheOf(int seq, byte[] out) {
        return shard.cachedVideo(seq, out);
    }
}
