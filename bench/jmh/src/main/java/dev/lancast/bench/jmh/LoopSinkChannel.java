package dev.lancast.bench.jmh;

import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.LongConsumer;

/**
 * A datagram channel without a socket that lives on a real event loop (one of a
 * {@code MultiThreadIoEventLoopGroup}'s, as the gateway's media sockets do: registering it opens
 * no file descriptor): writes are released and counted by the first handler of its pipeline,
 * where the socket write would begin, as in {@link SinkDatagramChannel}; but tasks queued on it
 * run on its loop's own thread, so benchmarks can run media loops in parallel.
 *
 * <p>The count of datagrams written is the loop's; each flush publishes it (a volatile store) for
 * other threads and then tells the flush listener, on the loop, so a benchmark's feeder can wait
 * for progress without polling. Multicast membership is refused; nothing here reaches a network.
 */
public final class LoopSinkChannel extends AbstractChannel implements SocketlessDatagramChannel {
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private final Config config = new Config(this);
    private final LongConsumer onFlush;
    private volatile boolean open = true;
    /** Datagrams written; the loop's only (single writer). */
    private long written;
    /** {@link #written} as of the last flush, for other threads. */
    private volatile long published;

    /** @param onFlush called on the loop after each flush with the datagrams written so far */
    public LoopSinkChannel(LongConsumer onFlush) {
        super(null);
        this.onFlush = onFlush;
        pipeline().addLast(new Sink());
    }

    /** Datagrams written as of the last flush; any thread. */
    public long written() {
        return published;
    }

    @Override
    public DatagramChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && isRegistered();
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    public boolean isConnected() {
        return false;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new AbstractUnsafe() {
            @Override
            public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
                promise.setFailure(new UnsupportedOperationException("a sink channel connects nowhere"));
            }
        };
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true; // no file descriptor to register: any loop runs it
    }

    @Override
    protected SocketAddress localAddress0() {
        return LOCAL;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected void doBind(SocketAddress local) {
        throw new UnsupportedOperationException("a sink channel has no socket to bind");
    }

    @Override
    protected void doDisconnect() {
        // Never connected.
    }

    @Override
    protected void doClose() {
        open = false;
    }

    @Override
    protected void doBeginRead() {
        // Nothing is ever received.
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        // The sink handler ends every write before the head of the pipeline.
        throw new IllegalStateException("a write got past the sink handler of a socketless channel");
    }

    /** First (and only) outbound handler: ends each write and flush where the socket would take it. */
    private final class Sink extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written++;
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            published = written;
            onFlush.accept(written);
        }
    }
}
