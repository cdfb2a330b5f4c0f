package dev.lancast.rtc.http;

import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.net.EventLoops;
import io.netty.buffer.ByteBuf;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of bridge and gateway (WHIP, WHEP, APIs, pages). Every response allows any
 * origin (CORS) so that pages and players served elsewhere can publish and play. A request must
 * arrive in full within the read timeout (a client trickling bytes is cut off), its body must fit
 * maxBodyBytes (413), and refusals are logged at most once per client address per interval.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final AttributeKey<Router.Match> MATCH = AttributeKey.valueOf("lancast.route");

    private final Channel channel;
    private final Router router;
    private final LimitCounters counters;
    private final RateLimitedLog refusals;
    private final Duration readTimeout;

    public HttpServer(EventLoops loops, InetSocketAddress bindAddress, Router router, int maxBodyBytes,
                      Duration readTimeout, LimitCounters counters, RateLimitedLog refusals) {
        this.router = router;
        this.counters = counters;
        this.refusals = refusals;
        this.readTimeout = readTimeout;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelClass())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        RequestDeadline deadline = new RequestDeadline();
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(deadline)
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new EarlyCheck(deadline))
                                .addLast(new BodyLimit(maxBodyBytes))
                                .addLast(new Dispatcher());
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

    private static void send(ChannelHandlerContext ctx, HttpRequest request, Response response, boolean close) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        response.headers().forEach((k, v) -> out.headers().set(k, v));
        out.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        out.headers().set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Location, Link, ETag, Retry-After");
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

    /** Counts and logs a refused request; 401 and 403 are authentication failures. */
    private void refused(ChannelHandlerContext ctx, HttpMethod method, String path, HttpError e) {
        if (e.status() == 401 || e.status() == 403) {
            counters.authFailed();
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        refusals.info(remote.getAddress(), "{} {} from {}: {} {}", method, path, remote, e.status(), e.getMessage());
    }

    private static Response preflight() {
        return Response.empty(204)
                .withHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, PATCH, OPTIONS")
                .withHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
                .withHeader("Access-Control-Max-Age", "600");
    }

    /**
     * Starts the clock when the first bytes of a request arrive; the request must be complete
     * within the read timeout, however slowly its bytes trickle in (the idle timeout alone would
     * let a client hold a connection with one byte per interval).
     */
    private final class RequestDeadline extends ChannelInboundHandlerAdapter {
        private ScheduledFuture<?> deadline;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (deadline == null && msg instanceof ByteBuf buf && buf.isReadable()) {
                deadline = ctx.executor().schedule(() -> expired(ctx), readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            ctx.fireChannelRead(msg);
        }

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
            refusals.info(remote.getAddress(), "HTTP connection from {} closed: no complete request within {} s",
                    remote, readTimeout.toSeconds());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            complete();
            ctx.fireChannelInactive();
        }
    }

    /** The aggregator that buffers bodies up to the limit; a larger one is answered 413, counted and logged. */
    private final class BodyLimit extends HttpObjectAggregator {
        private final int maxBodyBytes;

        BodyLimit(int maxBodyBytes) {
            super(maxBodyBytes);
            this.maxBodyBytes = maxBodyBytes;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
            counters.refused(Limit.REQUEST_TOO_LARGE);
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            String uri = oversized instanceof HttpRequest r ? r.method() + " " + r.uri() : "request";
            refusals.info(remote.getAddress(), "{} from {}: 413 body larger than {} bytes", uri, remote, maxBodyBytes);
            super.handleOversizedMessage(ctx, oversized);
        }
    }

    /** Finds the route and runs its header check before any of the body is buffered. */
    private final class EarlyCheck extends ChannelInboundHandlerAdapter {
        private final RequestDeadline deadline;
        private boolean discarding;

        EarlyCheck(RequestDeadline deadline) {
            this.deadline = deadline;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof LastHttpContent) {
                deadline.complete();
            }
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
                    refused(ctx, request.method(), path, e);
                    return e.toResponse();
                }
            }
            ctx.channel().attr(MATCH).set(match);
            return null;
        }
    }

    private final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
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
                refused(ctx, req.method(), req.path(), e);
                response = e.toResponse();
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", req.method(), req.path(), e);
                response = Response.text(500, "internal error: " + e.getMessage());
            }
            send(ctx, request, response, false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An idle connection timing out is normal (keep-alive); a slow request is cut by RequestDeadline.
            if (!(cause instanceof io.netty.handler.timeout.ReadTimeoutException)) {
                LOG.debug("HTTP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
        }
    }
}
