package dev.lancast.rtc.http;

import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.net.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The plain HTTP port when HTTPS is the real one ({@code http.plain: redirect}): every request is
 * answered 308 to the same path and query on the HTTPS port, so a POST stays a POST. It is as
 * exposed as the main listener and shares the process's file descriptors with it, so it has the
 * same limits: connections per client ({@link ConnectionAdmission}), and a request head that must
 * arrive in full within the read timeout ({@link RequestDeadline}), not only an idle timeout that
 * one byte per interval resets.
 */
public final class HttpsRedirectServer implements AutoCloseable {
    private final Channel channel;

    /**
     * @param counters where refusals by a limit are counted
     * @param refusals logs refusals, at most once per client per interval
     */
    public HttpsRedirectServer(
            EventLoops loops,
            InetSocketAddress bindAddress,
            int httpsPort,
            Duration readTimeout,
            LimitCounters counters,
            RateLimitedLog refusals) {
        ConnectionAdmission admission = new ConnectionAdmission(counters, refusals);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelClass())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!admission.admit(ch)) {
                            return;
                        }
                        RequestDeadline deadline = new RequestDeadline(readTimeout, counters, refusals);
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(deadline)
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new Redirect(httpsPort, deadline));
                    }
                });
        this.channel = bootstrap.bind(bindAddress).syncUninterruptibly().channel();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** "https://host[:port]/path?query" for a request that named {@code hostHeader} (may be null). */
    static String location(String hostHeader, InetSocketAddress local, int httpsPort, String uri) {
        String host = host(hostHeader);
        if (host == null) {
            String address = local.getAddress().getHostAddress();
            host = address.contains(":") ? "[" + address + "]" : address;
        }
        String path = uri.startsWith("/") ? uri : "/";
        return "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + path;
    }

    /** The host part of a Host header, without its port; null when absent or not a plain name or address. */
    private static String host(String header) {
        if (header == null) {
            return null;
        }
        String host;
        if (header.startsWith("[")) {
            int end = header.indexOf(']');
            host = end < 0 ? null : header.substring(0, end + 1);
        } else {
            int colon = header.indexOf(':');
            host = colon < 0 ? header : header.substring(0, colon);
        }
        return host != null && host.matches("[A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]") ? host : null;
    }

    private static final class Redirect extends SimpleChannelInboundHandler<HttpObject> {
        private final int httpsPort;
        private final RequestDeadline deadline;

        Redirect(int httpsPort, RequestDeadline deadline) {
            this.httpsPort = httpsPort;
            this.deadline = deadline;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request)) {
                return; // a body: not needed to redirect, released by the superclass
            }
            deadline.complete(); // the head is all this listener reads; the connection closes after the answer
            FullHttpResponse out;
            if (request.decoderResult().isSuccess()) {
                out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT);
                out.headers()
                        .set(
                                HttpHeaderNames.LOCATION,
                                location(
                                        request.headers().get(HttpHeaderNames.HOST),
                                        (InetSocketAddress) ctx.channel().localAddress(),
                                        httpsPort,
                                        request.uri()));
            } else {
                out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
            }
            out.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            // Closing spares reading a body that the client will send again to the HTTPS port.
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
