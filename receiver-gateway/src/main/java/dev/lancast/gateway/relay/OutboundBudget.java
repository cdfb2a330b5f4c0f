package dev.lancast.gateway.relay;

import dev.lancast.rtc.media.Track;
import io.netty.channel.Channel;

/**
 * Back-pressure of one media loop's socket: what its viewers may still be sent when the kernel's
 * send buffer is full and Netty's outbound queue grows. Past the channel's high water mark video is
 * dropped (a frozen picture recovers with the next keyframe); audio goes on until the queue holds
 * as much again past the high mark, then it is dropped too, so the queue (and the delay it adds to
 * every viewer of the loop) stays bounded. Media loop only; reads the channel's own accounting.
 */
final class OutboundBudget {
    private final Channel channel;

    OutboundBudget(Channel channel) {
        this.channel = channel;
    }

    /** Whether a packet of this kind may be queued now. */
    boolean allows(Track.Kind kind) {
        return kind == Track.Kind.VIDEO ? channel.isWritable() : allowsAudio();
    }

    private boolean allowsAudio() {
        if (channel.isWritable()) {
            return true;
        }
        // Unwritable: bytesBeforeWritable() is the queue above the low mark.
        int high = channel.config().getWriteBufferHighWaterMark();
        int low = channel.config().getWriteBufferLowWaterMark();
        return channel.bytesBeforeWritable() + low < 2L * high;
    }
}
