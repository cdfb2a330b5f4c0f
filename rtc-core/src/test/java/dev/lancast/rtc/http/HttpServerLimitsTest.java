package dev.lancast.rtc.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.net.EventLoops;
import io.netty.handler.codec.http.HttpMethod;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The HTTP front's own limits on 127.0.0.1: body size, slow requests, refusals with their headers. */
@Tag("loopback")
class HttpServerLimitsTest {
    private final EventLoops loops = new EventLoops("test-http", 1);
    private final LimitCounters counters = new LimitCounters(List.of(Limit.values()));
    private final Router router = new Router()
            .route(HttpMethod.POST, "/echo", request -> Response.text(200, "got " + request.body().length + " bytes"))
            .route(HttpMethod.POST, "/busy", request -> {
                throw new HttpError(503, "full", Map.of("Retry-After", "5"));
            })
            .route(HttpMethod.POST, "/secret", request -> Response.text(200, "ok"), (headers, params) -> {
                throw new HttpError(401, "missing token", Map.of("WWW-Authenticate", "Bearer"));
            });
    private final HttpServer server = new HttpServer(
            loops,
            new InetSocketAddress("127.0.0.1", 0),
            router,
            1024,
            Duration.ofSeconds(1),
            null,
            counters,
            new RateLimitedLog(
                    LoggerFactory.getLogger(HttpServerLimitsTest.class), Duration.ofSeconds(10), System::nanoTime));
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base = "http://127.0.0.1:" + server.localAddress().getPort();

    @AfterEach
    void stop() {
        server.close();
        loops.close();
    }

    private HttpResponse<String> post(String path, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        assertEquals(200, post("/echo", new byte[1024]).statusCode());
        assertEquals(413, post("/echo", new byte[1025]).statusCode());
        assertEquals(1, counters.refusals(Limit.REQUEST_TOO_LARGE));
        assertEquals(200, post("/echo", new byte[10]).statusCode(), "the server goes on");
    }

    @Test
    void refusalsCarryTheirHeadersAndAuthFailuresAreCounted() throws Exception {
        HttpResponse<String> busy = post("/busy", new byte[1]);
        assertEquals(503, busy.statusCode());
        assertEquals("5", busy.headers().firstValue("Retry-After").orElse(null));
        HttpResponse<String> secret = post("/secret", new byte[1]);
        assertEquals(401, secret.statusCode());
        assertEquals("Bearer", secret.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(1, counters.authFailures());
    }

    @Test
    void aRequestTrickledInIsCutOffAtTheReadTimeoutButAnIdleConnectionIsNotCounted() throws Exception {
        try (Socket slow = new Socket()) {
            slow.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            slow.connect(server.localAddress());
            OutputStream out = slow.getOutputStream();
            out.write("POST /echo HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean cut = false;
            // One header byte every 200 ms: never idle for the 1 s timeout, but never complete either.
            for (int i = 0; i < 100 && !cut; i++) {
                Thread.sleep(200);
                try {
                    out.write('X');
                    out.flush();
                } catch (java.io.IOException e) {
                    cut = true;
                }
                cut |= counters.refusals(Limit.READ_TIMEOUT) > 0 && readsEof(slow);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(cut, "the trickling connection was closed");
            assertTrue(ms >= 900, "not before the timeout: " + ms + " ms");
            assertEquals(1, counters.refusals(Limit.READ_TIMEOUT));
        }
        try (Socket idle = new Socket()) {
            idle.connect(server.localAddress());
            idle.getOutputStream()
                    .write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
                            .getBytes(StandardCharsets.US_ASCII));
            idle.setSoTimeout(30_000);
            InputStream in = idle.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", head);
            while (in.read() >= 0) {
                // the idle keep-alive connection is closed after the timeout
            }
            assertEquals(1, counters.refusals(Limit.READ_TIMEOUT), "a finished, idle connection is no refusal");
        }
    }

    private static boolean readsEof(Socket socket) throws Exception {
        socket.setSoTimeout(50);
        try {
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** Issue 14: connections per address were unlimited. */
    @Test
    void connectionsFromOneAddressAreBounded() throws Exception {
        List<Socket> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < HttpServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
                open.add(new Socket(
                        InetAddress.getLoopbackAddress(), server.localAddress().getPort()));
            }
            try (Socket extra = new Socket(
                    InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
                extra.setSoTimeout(5000);
                assertEquals(-1, extra.getInputStream().read(), "the connection past the limit is closed");
            }
            assertEquals(1, counters.refusals(Limit.CONNECTIONS_PER_ADDRESS));
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            try {
                status = post("/echo", new byte[1]).statusCode();
            } catch (java.io.IOException e) {
                Thread.sleep(50); // the closes are still being counted
            }
        }
        assertEquals(200, status, "once they close, the address is served again");
    }
}
