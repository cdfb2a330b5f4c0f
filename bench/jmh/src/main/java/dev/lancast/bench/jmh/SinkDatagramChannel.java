package dev.lancast.bench.jmh;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A datagram channel without a socket, for benchmarks of what the media path does before the
 * kernel: writes are released and counted where the socket write would begin, so a benchmark
 * measures our code and Netty's pipeline, not the system call. Its event loop is the calling
 * thread (EmbeddedChannel): tasks queued on it run only when {@link #runPendingTasks()} is called.
 * Multicast membership is refused: nothing here ever reaches a network.
 */
public final class SinkDatagramChannel extends EmbeddedChannel implements SocketlessDatagramChannel {
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    private final Sink sink;
    private Config config;

    public SinkDatagramChannel() {
        this(new Sink());
    }

    private SinkDatagramChannel(Sink sink) {
        super(sink);
        this.sink = sink;
    }

    /** Datagrams written (and dropped) so far. */
    public long written() {
        return sink.written;
    }

    @Override
    public DatagramChannelConfig config() {
        // Made on first use: EmbeddedChannel's constructor already asks for it.
        if (config == null) {
            config = new Config(this);
        }
        return config;
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

    /** First (and only) outbound handler: ends each write and flush where the socket would take it. */
    private static final class Sink extends ChannelOutboundHandlerAdapter {
        long written;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written++;
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // Nothing is queued: every write ended above.
        }
    }
}
