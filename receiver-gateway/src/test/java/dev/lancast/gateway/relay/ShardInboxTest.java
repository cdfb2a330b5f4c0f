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
 * test says): it takes nothing until the shard's first viewer opens it, and then first the relay's
 * shard's keyframe and live position; a loop that falls behind loses video first, audio only when
 * the inbox is full, and takes everything queued in one drain, in order, once it runs.
 */
class ShardInboxTest {
    private final EmbeddedChannel socket = new EmbeddedChannel();
    private long now = 1_000_000_000L;
    private final CounterTable counters = new CounterTable();
    private final ViewerShard shard = new ViewerShard(0, socket.eventLoop(), socket, () -> now, counters, "main");
    private final ShardInbox inbox = new ShardInbox(shard, socket.eventLoop(), null, 16, counters);
    private final RtpPacket rtp = new RtpPacket();

    private RtpPacket packet(int seq, long ssrc) {
        return packet(seq, ssrc, false, false);
    }

    private RtpPacket packet(int seq, long ssrc, boolean keyframeStart, boolean marker) {
        byte[] buf = new byte[200];
        RtpPacket.writeHeader(buf, 0, marker, 96, seq, seq * 3000L, ssrc);
        rtp.wrap(buf, 0, buf.length);
        rtp.markKeyframeStart(keyframeStart);
        return rtp;
    }

    private void open() {
        inbox.requestOpen();
        socket.runPendingTasks(); // the relay's loop opens it (here the same loop), the shard drains the seed's end
    }

    @Test
    void aShutInboxTakesNothingUntilItsShardsFirstViewerOpensIt() {
        assertFalse(inbox.offerMedia(0, packet(1, 1)), "no viewer on the loop yet: nothing is copied to it");
        assertEquals(0, inbox.refused(Track.Kind.VIDEO), "and that is no drop");
        socket.runPendingTasks();
        assertEquals(-1, cacheOf(1, new byte[1500]), "the shard keeps nothing of a stream it does not serve");
        open();
        assertTrue(inbox.offerMedia(0, packet(2, 1)));
        socket.runPendingTasks();
        assertEquals(200, cacheOf(2, new byte[1500]));
    }

    @Test
    void anOpenedShardStartsFromTheRelayShardsKeyframeAndLivePosition() {
        EmbeddedChannel relaySocket = new EmbeddedChannel();
        ViewerShard relayShard = new ViewerShard(1, relaySocket.eventLoop(), relaySocket, () -> now, counters, "main");
        ShardInbox seeded = new ShardInbox(shard, relaySocket.eventLoop(), relayShard, 16, counters);
        shard.feedThrough(seeded);
        // The relay's shard has a keyframe (10..12) and live packets after it (up to 20).
        relayShard.onMedia(0, packet(10, 1, true, false), now);
        relayShard.onMedia(0, packet(11, 1), now);
        relayShard.onMedia(0, packet(12, 1, false, true), now);
        for (int seq = 13; seq <= 20; seq++) {
            relayShard.onMedia(0, packet(seq, 1), now);
        }
        assertEquals(3, relayShard.cachedKeyframePackets(0));
        assertFalse(seeded.offerMedia(0, packet(20, 1)));
        assertEquals(0, shard.cachedKeyframePackets(0), "shut: no keyframe for a joiner yet");

        seeded.requestOpen();
        relaySocket.runPendingTasks(); // the relay's loop seeds and opens
        assertTrue(seeded.offerMedia(0, packet(21, 1)), "open: the live packets follow the seed");
        socket.runPendingTasks(); // the shard's loop drains
        assertEquals(3, shard.cachedKeyframePackets(0), "a joiner here is primed with the relay shard's keyframe");
        byte[] out = new byte[1500];
        assertEquals(200, cacheOf(21, out), "live packets reach the repair cache");
        assertEquals(-1, cacheOf(11, out), "the seed is not taken as live packets (no repair, no send)");
        relaySocket.close();
    }

    @Test
    void aLoopBehindLosesVideoBeforeAudioAndDrainsInOrder() {
        open();
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
