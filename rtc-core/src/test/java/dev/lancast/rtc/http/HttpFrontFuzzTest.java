package dev.lancast.rtc.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.peer.ServerPeers;
import dev.lancast.rtc.sdp.AnswerBuilder;
import dev.lancast.rtc.sdp.MediaAnswer;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.SdpException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.slf4j.LoggerFactory;

/**
 * Any bytes a client sends on one connection, through the same handlers as HttpServer (codec,
 * header check before the body, aggregator, dispatcher) to WHIP-like routes whose handler parses
 * the SDP offer as the bridge does: no exception escapes the pipeline, no answer is a 500 (which
 * would mean a parser threw something other than its documented exception) and the pipeline holds
 * no buffer once the connection ends. Seeds: HttpFrontFuzzTestInputs/connection.
 */
@Tag("loopback")
class HttpFrontFuzzTest {
    private static final String TOKEN = "whip-token-0123456789";
    private static final Router ROUTER = new Router()
            .route(HttpMethod.POST, "/whip/{stream}", HttpFrontFuzzTest::publish, HttpFrontFuzzTest::authorize)
            .route(
                    HttpMethod.DELETE,
                    "/whip/{stream}/{session}",
                    r -> {
                        throw new HttpError(404, "no such WHIP session");
                    },
                    HttpFrontFuzzTest::authorize)
            .route(HttpMethod.GET, "/api/streams", r -> Response.json(200, "{\"streams\":[]}"))
            .route(
                    HttpMethod.GET,
                    "/seeds/**",
                    new StaticResources("dev/lancast/rtc/sdp", HttpFrontFuzzTest.class.getClassLoader())
                            .folder("SdpFuzzTestInputs"));
    private static final EventLoops LOOPS = new EventLoops("lancast-fuzz-http", 1);
    /** Only lends its handlers to each connection; it listens on loopback and never gets a byte. */
    private static final HttpServer SERVER = new HttpServer(
            LOOPS,
            new InetSocketAddress("127.0.0.1", 0),
            ROUTER,
            64 * 1024,
            Duration.ofSeconds(30),
            null,
            new LimitCounters(List.of()),
            new RateLimitedLog(
                    LoggerFactory.getLogger(HttpFrontFuzzTest.class), Duration.ofSeconds(10), System::nanoTime));

    @AfterAll
    static void stop() {
        SERVER.close();
        LOOPS.close();
    }

    @FuzzTest
    void connection(byte[] bytes) {
        if (bytes.length == 0) {
            return; // Netty's shared empty buffer has no reference count to check
        }
        EmbeddedChannel channel = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("192.0.2.7", 50000);
            }
        };
        SERVER.connection(channel.pipeline(), 64 * 1024);
        ByteBuf in = Unpooled.copiedBuffer(bytes);
        channel.writeInbound(in);
        channel.runPendingTasks();
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        for (Object out; (out = channel.readOutbound()) != null; ) {
            client.writeInbound(out);
        }
        channel.finishAndReleaseAll();
        client.finish();
        for (Object response; (response = client.readInbound()) != null; ) {
            if (response instanceof FullHttpResponse full) {
                try {
                    assertNotEquals(
                            500,
                            full.status().code(),
                            () -> "500 from the front: " + full.content().toString(StandardCharsets.UTF_8));
                } finally {
                    full.release();
                }
            }
        }
        assertEquals(0, in.refCnt(), "the pipeline still holds the request bytes after the connection ended");
    }

    private static void authorize(io.netty.handler.codec.http.HttpHeaders headers, Map<String, String> params)
            throws HttpError {
        if (!"main".equals(params.get("stream"))) {
            throw new HttpError(404, "unknown stream '" + params.get("stream") + "'");
        }
        if (!Bearer.matches(Bearer.token(headers), TOKEN)) {
            throw new HttpError(401, "invalid token");
        }
    }

    /** What WhipResource.publish does up to the point where it would create the peer. */
    private static Response publish(Request request) throws HttpError {
        if (!request.contentType().equals("application/sdp")) {
            throw new HttpError(415, "Content-Type must be application/sdp");
        }
        ServerPeers.Offer offer;
        try {
            offer = ServerPeers.parseOffer(request.bodyText());
        } catch (SdpException e) {
            throw new HttpError(400, "malformed SDP offer: " + e.getMessage());
        }
        var media = offer.sdp().media();
        ServerPeers.Choice video = ServerPeers.choose(media, "video", m -> true, m -> m.findCodec("VP8", p -> true));
        ServerPeers.Choice audio = ServerPeers.choose(media, "audio", m -> true, m -> m.findCodec("opus", p -> true));
        if (!video.found() && !audio.found()) {
            throw new HttpError(400, "no usable codec");
        }
        AnswerBuilder answer = new AnswerBuilder(offer.sdp())
                .iceLite(true)
                .ice("abcd", "0123456789abcdefghijkl")
                .fingerprint("sha-256", "AB:CD")
                .candidate("192.0.2.1", 10000, 2130706431L);
        if (video.found()) {
            answer.accept(video.index(), MediaAnswer.receive(MediaDescription.Direction.RECVONLY, video.codec()));
        }
        if (audio.found()) {
            answer.accept(audio.index(), MediaAnswer.receive(MediaDescription.Direction.RECVONLY, audio.codec()));
        }
        return new Response(
                201,
                "application/sdp",
                answer.build().getBytes(StandardCharsets.UTF_8),
                Map.of("Location", "/whip/main/0123"));
    }
}
