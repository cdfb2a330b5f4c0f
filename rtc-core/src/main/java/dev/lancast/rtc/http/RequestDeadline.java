package dev.lancast.rtc.http;

import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts the clock when the first bytes of a request arrive; the request must be complete within
 * the read timeout, however slowly its bytes trickle in (an idle timeout alone lets a client hold a
 * connection for days with one byte per interval). The handler after the codec says when the
 * request is complete ({@link #complete}); the next request's first bytes start the clock again.
 * One per connection, on its loop.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    private final Duration readTimeout;
    private final LimitCounters counters;
    private final RateLimitedLog refusals;
    private ScheduledFuture<?> deadline;

    RequestDeadline(Duration readTimeout, LimitCounters counters, RateLimitedLog refusals) {
        this.readTimeout = readTimeout;
        this.counters = counters;
        this.refusals = refusals;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (deadline == null && msg instanceof ByteBuf buf && buf.isReadable()) {
            deadline = ctx.executor().schedule(() -> expired(ctx), readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** The request has arrived in full (or as much of it as the listener reads). */
    void complete() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expired(ChannelHandlerContext ctx) {
        deadline = null;
        counters.refused(Limit.READ_TIMEOUT);
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        refusals.info(
                remote.getAddress(),
                "HTTP connection from {} closed: no complete request within {} s",
                remote,
                readTimeout.toSeconds());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        complete();
        ctx.fireChannelInactive();
    }
}
