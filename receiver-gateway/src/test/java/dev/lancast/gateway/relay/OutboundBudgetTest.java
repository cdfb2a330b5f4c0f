package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.media.Track;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class OutboundBudgetTest {
    /** A socket that takes nothing: writes stay queued (never flushed), as when the kernel's buffer is full. */
    private static EmbeddedChannel stuckSocket() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1000, 2000));
        return channel;
    }

    @Test
    void pastTheHighMarkVideoStopsAndAudioGoesOnUntilTwiceTheHighMark() {
        EmbeddedChannel channel = stuckSocket();
        OutboundBudget budget = new OutboundBudget(channel);
        assertTrue(budget.allows(Track.Kind.VIDEO) && budget.allows(Track.Kind.AUDIO), "an empty queue takes both");
        for (int i = 0; i < 3; i++) {
            channel.write(Unpooled.wrappedBuffer(new byte[1000]));
        }
        assertFalse(budget.allows(Track.Kind.VIDEO), "3000 bytes queued, past the high mark of 2000: no more video");
        assertTrue(budget.allows(Track.Kind.AUDIO), "but audio, until twice the high mark");
        channel.write(Unpooled.wrappedBuffer(new byte[1000]));
        channel.write(Unpooled.wrappedBuffer(new byte[1000]));
        assertFalse(budget.allows(Track.Kind.AUDIO), "5000 bytes queued: audio waits too, the queue stays bounded");
        channel.flushOutbound();
        channel.releaseOutbound();
        assertTrue(budget.allows(Track.Kind.VIDEO) && budget.allows(Track.Kind.AUDIO), "drained: both again");
        channel.finishAndReleaseAll();
    }
}
