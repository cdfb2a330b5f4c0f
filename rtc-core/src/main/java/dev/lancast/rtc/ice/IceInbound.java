package dev.lancast.rtc.ice;

import dev.lancast.rtc.limits.LogThrottle;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket's receive path of the shared media port: its scratch buffer and STUN budgets belong
 * to its loop alone, so nothing on the path is shared or locked.
 */
final class IceInbound extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(IceLiteServer.class);
    static final int MAX_DATAGRAM = 2048;

    /** Where a datagram goes once read: the server that routes it to its session. */
    interface Router {
        void onDatagram(IceInbound in, DatagramChannel via, DatagramPacket packet);
    }

    final byte[] scratch = new byte[MAX_DATAGRAM];
    final StunAdmission admission;
    private final Router router;
    /**
     * A failed send or receive (e.g. EPERM for every datagram a local firewall drops) is logged
     * once per socket every 10 s with how many were left out, not once per packet.
     */
    private final LogThrottle errors;

    IceInbound(Router router, StunAdmission admission, LongSupplier nanoClock) {
        this.router = router;
        this.admission = admission;
        this.errors = new LogThrottle(LOG, Duration.ofSeconds(10), nanoClock);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        router.onDatagram(this, (DatagramChannel) ctx.channel(), packet);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.warn("media port error: {}", cause.toString());
    }
}
