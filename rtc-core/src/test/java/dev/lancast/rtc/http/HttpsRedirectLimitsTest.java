package dev.lancast.rtc.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.net.EventLoops;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 22 (N11): the {@code plain: redirect} listener had only an idle timeout and no cap per address. */
@Tag("loopback")
class HttpsRedirectLimitsTest {
    private final EventLoops loops = new EventLoops("test-redirect", 1);
    private final LimitCounters counters = new LimitCounters(List.of(Limit.values()));
    private HttpsRedirectServer server;

    /** A redirect listener whose requests must arrive in full within readTimeout. */
    private HttpsRedirectServer start(Duration readTimeout) {
        server = new HttpsRedirectServer(
                loops,
                new InetSocketAddress("127.0.0.1", 0),
                8443,
                readTimeout,
                counters,
                new RateLimitedLog(
                        LoggerFactory.getLogger(HttpsRedirectLimitsTest.class),
                        Duration.ofSeconds(10),
                        System::nanoTime));
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        loops.close();
    }

    /** One header byte every 200 ms never leaves the connection idle for the 1 s timeout; the deadline cuts it. */
    @Test
    void aTrickledRequestHeadIsCutOffAtTheDeadline() throws Exception {
        start(Duration.ofSeconds(1));
        try (Socket slow = new Socket(
                InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
            OutputStream out = slow.getOutputStream();
            out.write("GET /watch/main HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 150 && !cut; i++) { // 30 s at most
                Thread.sleep(200);
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException e) {
                    cut = true;
                }
                cut |= endOfStream(slow);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(cut, "the trickling connection was closed");
            assertTrue(ms >= 900, "not before the deadline: " + ms + " ms");
            assertEquals(1, counters.refusals(Limit.READ_TIMEOUT));
        }
        try (Socket quick = new Socket(
                InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
            quick.getOutputStream()
                    .write("GET /x HTTP/1.1\r\nHost: bridge.lan\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            quick.setSoTimeout(10_000);
            String answer = new String(quick.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 308"), answer);
            assertTrue(answer.contains("location: https://bridge.lan:8443/x"), answer);
        }
    }

    @Test
    void connectionsPastTheCapPerAddressAreClosed() throws Exception {
        // A deadline far longer than opening 65 connections takes on a starved machine: with 1 s the
        // first ones were cut by it while the last were opened (seen under load), not by the cap.
        start(Duration.ofSeconds(60));
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < HttpServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
                open.add(new Socket(
                        InetAddress.getLoopbackAddress(), server.localAddress().getPort()));
            }
            try (Socket extra = new Socket(
                    InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
                extra.setSoTimeout(10_000);
                assertEquals(-1, extra.getInputStream().read(), "the connection past the cap is closed");
            }
            assertEquals(1, counters.refusals(Limit.CONNECTIONS_PER_ADDRESS));
            // The ones within the cap are served.
            Socket first = open.get(0);
            first.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            first.setSoTimeout(10_000);
            assertTrue(new String(first.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)
                    .startsWith("HTTP/1.1 308"));
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    private static boolean endOfStream(Socket socket) throws IOException {
        socket.setSoTimeout(50);
        try {
            InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
