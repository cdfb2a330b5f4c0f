package dev.lancast.rtc.http;

import dev.lancast.rtc.limits.AuthFailureBackoff;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP or HTTPS listener of bridge or gateway (WHIP, WHEP, APIs, pages). Responses allow any
 * origin (CORS) so that pages and players served elsewhere can publish and play, except on the
 * paths the router keeps to the server's own origin ({@link Router#ownOriginOnly}). A request must
 * arrive in full within the read timeout (a client trickling bytes is cut off), its body must fit
 * maxBodyBytes (413), and refusals are logged at most once per client address per interval. At most
 * {@link #MAX_CONNECTIONS_PER_ADDRESS} connections from one client (an IPv4 address, an IPv6 /64)
 * are open at once ({@link ConnectionAdmission}); more are closed as they come (counted), so one
 * host cannot take all the file descriptors.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final AttributeKey<Router.Match> MATCH = AttributeKey.valueOf("lancast.route");

    private final Channel channel;
    private final Router router;
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final LimitCounters counters;
    private final RateLimitedLog refusals;
    private final RequestGate gate;
    private final Duration readTimeout;
    public static final int MAX_CONNECTIONS_PER_ADDRESS = ConnectionAdmission.MAX_CONNECTIONS_PER_CLIENT;
    private final ConnectionAdmission admission;

    /**
     * @param tls      the TLS context for each new connection (read per connection, so a reloaded
     *                 certificate applies to the next one); null serves plain HTTP
     * @param counters where refusals by a limit and authentication failures are counted
     * @param refusals logs refusals, at most once per client address per interval
     */
    public HttpServer(
            EventLoops loops,
            InetSocketAddress bindAddress,
            Router router,
            int maxBodyBytes,
            Duration readTimeout,
            Supplier<SslContext> tls,
            LimitCounters counters,
            RateLimitedLog refusals) {
        this(
                loops,
                bindAddress,
                router,
                maxBodyBytes,
                readTimeout,
                tls,
                counters,
                refusals,
                new AuthFailureBackoff(System::nanoTime));
    }

    /** @param backoff the failed authentications per address, shared by a process's listeners */
    public HttpServer(
            EventLoops loops,
            InetSocketAddress bindAddress,
            Router router,
            int maxBodyBytes,
            Duration readTimeout,
            Supplier<SslContext> tls,
            LimitCounters counters,
            RateLimitedLog refusals,
            AuthFailureBackoff backoff) {
        this.router = router;
        this.counters = counters;
        this.refusals = refusals;
        this.gate = new RequestGate(router, counters, refusals, backoff, tls != null);
        this.readTimeout = readTimeout;
        this.admission = new ConnectionAdmission(counters, refusals);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelClass())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!admission.admit(ch)) {
                            return;
                        }
                        if (tls != null) {
                            ch.pipeline().addLast(tls.get().newHandler(ch.alloc()));
                        }
                        connection(ch.pipeline(), maxBodyBytes);
                    }
                });
        this.channel = bootstrap.bind(bindAddress).syncUninterruptibly().channel();
    }

    /** The HTTP handlers of one connection, after TLS (the fuzz test drives them without a socket). */
    void connection(ChannelPipeline pipeline, int maxBodyBytes) {
        RequestDeadline deadline = new RequestDeadline(readTimeout, counters, refusals);
        pipeline.addLast(new ReadTimeoutHandler(readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .addLast(deadline)
                .addLast(new HttpServerCodec(4096, 8192, 8192))
                .addLast(new EarlyCheck(deadline))
                .addLast(new BodyLimit(maxBodyBytes))
                .addLast(new Dispatcher());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** TLS handshakes that failed: clients that refuse our certificate, or whose certificate we refuse. */
    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private void send(ChannelHandlerContext ctx, HttpRequest request, Response response, boolean close) {
        FullHttpResponse out = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        response.headers().forEach((k, v) -> out.headers().set(k, v));
        String allowOrigin = request == null
                ? null
                : router.allowedOrigin(
                        new QueryStringDecoder(request.uri()).path(),
                        new CorsPolicy.CorsRequest(
                                request.headers().get(HttpHeaderNames.ORIGIN),
                                request.headers().get(HttpHeaderNames.HOST),
                                ctx.pipeline().get(SslHandler.class) != null),
                        response.status());
        if (allowOrigin != null) {
            out.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
            out.headers()
                    .set(
                            HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS,
                            "Location, Link, ETag, Retry-After, Accept-Patch, Allow");
            if (!"*".equals(allowOrigin)) {
                out.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
            }
        } else {
            out.headers().remove("Access-Control-Allow-Methods"); // no preflight granted either
            out.headers().remove("Access-Control-Allow-Headers");
        }
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
            // The path only: a query may carry a token (?token=), which has no place in a log (N20).
            String uri = oversized instanceof HttpRequest r
                    ? r.method() + " " + new QueryStringDecoder(r.uri()).path()
                    : "request";
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
                return Response.text(
                        400,
                        "malformed HTTP request: "
                                + request.decoderResult().cause().getMessage());
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
                                .withHeader("Allow", router.allowed(path))
                        : Response.text(404, "no such resource: " + path);
            }
            Response refused = gate.check(
                    match, request, path, (InetSocketAddress) ctx.channel().remoteAddress(), clientCertificate(ctx));
            if (refused != null) {
                return refused;
            }
            ctx.channel().attr(MATCH).set(match);
            return null;
        }
    }

    /**
     * The certificate the client presented in the TLS handshake, already verified against the
     * configured client CA (an unverified one fails the handshake); null without TLS or without one.
     */
    private static X509Certificate clientCertificate(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (SSLPeerUnverifiedException e) {
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
            Request req = new Request(
                    request.method(),
                    uri.path(),
                    Map.copyOf(match.params()),
                    uri.parameters(),
                    request.headers(),
                    ByteBufUtil.getBytes(request.content()),
                    (InetSocketAddress) ctx.channel().remoteAddress(),
                    ctx.pipeline().get(SslHandler.class) != null);
            Response response;
            try {
                response = match.route().handler().handle(req);
            } catch (HttpError e) {
                gate.refused(req.method(), req.path(), req.remote(), e);
                response = e.toResponse();
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", req.method(), req.path(), e);
                response = Response.text(500, "internal error: " + e.getMessage());
            }
            send(ctx, request, response, false);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                // Seen when a browser refuses a self-signed certificate, or a gateway's client
                // certificate is not from the client CA: the admin needs the reason.
                tlsHandshakeFailures.increment();
                Throwable cause = done.cause();
                while (cause.getCause() != null && cause.getMessage() == null) {
                    cause = cause.getCause();
                }
                InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
                // At most a line per address per interval: connection churn must not flood the log (N20).
                refusals.info(
                        remote.getAddress(),
                        "TLS handshake with {} failed: {}",
                        remote,
                        cause instanceof ClosedChannelException
                                ? "the client closed the connection (it may not trust this certificate)"
                                : cause.toString());
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An idle connection timing out is normal (keep-alive); a slow request is cut by RequestDeadline.
            if (!(cause instanceof ReadTimeoutException)) {
                LOG.debug("HTTP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
        }
    }
}
