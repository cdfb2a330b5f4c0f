package dev.lancast.rtc.http;

import dev.lancast.rtc.net.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of bridge and gateway (WHIP, WHEP, APIs, pages). Every response allows any
 * origin (CORS) so that pages and players served elsewhere can publish and play.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final AttributeKey<Router.Match> MATCH = AttributeKey.valueOf("lancast.route");

    private final Channel channel;

    public HttpServer(EventLoops loops, InetSocketAddress bindAddress, Router router, int maxBodyBytes,
                      Duration readTimeout) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelClass())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connection(ch.pipeline(), router, maxBodyBytes, readTimeout);
                    }
                });
        this.channel = bootstrap.bind(bindAddress).syncUninterruptibly().channel();
    }

    /** The handlers of one connection; the HTTP fuzz test feeds raw bytes through the same ones. */
    static void connection(ChannelPipeline pipeline, Router router, int maxBodyBytes, Duration readTimeout) {
        pipeline.addLast(new ReadTimeoutHandler(readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new HttpServerCodec(4096, 8192, 8192))
                .addLast(new EarlyCheck(router))
                .addLast(new HttpObjectAggregator(maxBodyBytes))
                .addLast(new Dispatcher());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static void send(ChannelHandlerContext ctx, HttpRequest request, Response response, boolean close) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        response.headers().forEach((k, v) -> out.headers().set(k, v));
        out.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        out.headers().set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Location, Link, ETag");
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpUtil.setContentLength(out, response.body().length);
        boolean keepAlive = !close && request != null && HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var future = ctx.writeAndFlush(out);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static Response preflight() {
        return Response.empty(204)
                .withHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, PATCH, OPTIONS")
                .withHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
                .withHeader("Access-Control-Max-Age", "600");
    }

    /** Finds the route and runs its header check before any of the body is buffered. */
    private static final class EarlyCheck extends ChannelInboundHandlerAdapter {
        private final Router router;
        private boolean discarding;

        EarlyCheck(Router router) {
            this.router = router;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                discarding = false;
                Response early = check(ctx, request);
                if (early != null) {
                    discarding = true;
                    ReferenceCountUtil.release(msg);
                    send(ctx, request, early, true);
                    return;
                }
            } else if (discarding) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        private Response check(ChannelHandlerContext ctx, HttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                return Response.text(400, "malformed HTTP request: " + request.decoderResult().cause().getMessage());
            }
            String path = new QueryStringDecoder(request.uri()).path();
            boolean[] pathExists = new boolean[1];
            Router.Match match = router.match(request.method(), path, pathExists);
            if (match == null) {
                if (request.method().equals(HttpMethod.OPTIONS) && pathExists[0]) {
                    return preflight();
                }
                return pathExists[0]
                        ? Response.text(405, request.method() + " is not supported on " + path)
                        : Response.text(404, "no such resource: " + path);
            }
            if (match.route().check() != null) {
                try {
                    match.route().check().check(request.headers(), match.params());
                } catch (HttpError e) {
                    LOG.info("{} {} from {}: {} {}", request.method(), path, ctx.channel().remoteAddress(),
                            e.status(), e.getMessage());
                    return Response.text(e.status(), e.getMessage());
                }
            }
            ctx.channel().attr(MATCH).set(match);
            return null;
        }
    }

    private static final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Router.Match match = ctx.channel().attr(MATCH).getAndSet(null);
            if (match == null) {
                send(ctx, request, Response.text(404, "no such resource"), false);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            Request req = new Request(request.method(), uri.path(), Map.copyOf(match.params()), uri.parameters(),
                    request.headers(), ByteBufUtil.getBytes(request.content()),
                    (InetSocketAddress) ctx.channel().remoteAddress());
            Response response;
            try {
                response = match.route().handler().handle(req);
            } catch (HttpError e) {
                LOG.info("{} {} from {}: {} {}", req.method(), req.path(), req.remote(), e.status(), e.getMessage());
                response = Response.text(e.status(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", req.method(), req.path(), e);
                response = Response.text(500, "internal error: " + e.getMessage());
            }
            send(ctx, request, response, false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof io.netty.handler.timeout.ReadTimeoutException)) {
                LOG.debug("HTTP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
        }
    }
}
