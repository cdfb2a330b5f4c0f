package dev.lancast.rtc.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.limits.AuthFailure;
import dev.lancast.rtc.limits.AuthFailureBackoff;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.net.EventLoops;
import io.netty.handler.codec.http.HttpMethod;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Issue 22: repeated 401s from one address are slowed to 429 (N13); keys and credentials are
 * refused over plain HTTP (N2); a 413 logs no query (N20).
 */
@Tag("loopback")
class HttpAuthHardeningTest {
    private static final String TOKEN = "right-token-0123456789";
    private final EventLoops loops = new EventLoops("test-http", 1);
    private final LimitCounters counters = new LimitCounters(List.of(Limit.values()));
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Router router = new Router()
            .route(HttpMethod.POST, "/secret", request -> Response.text(200, "ok"), (headers, params) -> {
                if (!Bearer.matches(Bearer.token(headers), TOKEN)) {
                    throw new HttpError(401, "invalid token");
                }
            })
            .route(HttpMethod.GET, "/api/keys", request -> Response.text(200, "KEY MATERIAL"), (headers, params) -> {
                if (!Bearer.matches(Bearer.token(headers), TOKEN)) {
                    throw new HttpError(401, "invalid token");
                }
            })
            .route(HttpMethod.POST, "/echo", request -> Response.text(200, "echo"))
            .credentialsOverHttpsOnly(false, () -> "the bridge serves them at https://BRIDGE:8443", "/api/keys");
    private final HttpServer server = new HttpServer(
            loops,
            new InetSocketAddress("127.0.0.1", 0),
            router,
            1024,
            Duration.ofSeconds(10),
            null,
            counters,
            new RateLimitedLog(recording(), Duration.ofSeconds(10), now::get),
            new AuthFailureBackoff(now::get));

    @AfterEach
    void stop() {
        server.close();
        loops.close();
    }

    /** N13: after 10 failures in a minute the address gets 429 with Retry-After, even with the right token. */
    @Test
    void tenFailuresFromOneAddressGet429ForAMinuteWhateverTheyCarry() throws Exception {
        for (int i = 0; i < AuthFailureBackoff.MAX_FAILURES; i++) {
            assertTrue(request("127.0.0.1", "POST", "/secret", "wrong-token-0123456789", "")
                    .startsWith("HTTP/1.1 401"));
        }
        String throttled = request("127.0.0.1", "POST", "/secret", TOKEN, "");
        assertTrue(throttled.startsWith("HTTP/1.1 429"), throttled);
        assertTrue(throttled.contains("retry-after: 60") || throttled.contains("Retry-After: 60"), throttled);
        assertEquals(1, counters.authFailures(AuthFailure.THROTTLED));
        assertEquals(AuthFailureBackoff.MAX_FAILURES, counters.authFailures(AuthFailure.UNAUTHORIZED));
        // Another address is not affected, and what carries no credential is still served.
        assertTrue(request("127.0.0.2", "POST", "/secret", TOKEN, "").startsWith("HTTP/1.1 200"));
        assertTrue(request("127.0.0.1", "GET", "/nothing-here", null, "").startsWith("HTTP/1.1 404"));
        now.addAndGet(TimeUnit.SECONDS.toNanos(AuthFailureBackoff.BLOCK_SECONDS - 1));
        assertTrue(request("127.0.0.1", "POST", "/secret", TOKEN, "").startsWith("HTTP/1.1 429"));
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertTrue(request("127.0.0.1", "POST", "/secret", TOKEN, "").startsWith("HTTP/1.1 200"), "a minute later");
    }

    @Test
    void failuresSpreadOverMoreThanAMinuteAreNotThrottled() throws Exception {
        for (int i = 0; i < 3 * AuthFailureBackoff.MAX_FAILURES; i++) {
            assertTrue(request("127.0.0.1", "POST", "/secret", "wrong-token-0123456789", "")
                    .startsWith("HTTP/1.1 401"));
            now.addAndGet(TimeUnit.SECONDS.toNanos(7));
        }
        assertTrue(request("127.0.0.1", "POST", "/secret", TOKEN, "").startsWith("HTTP/1.1 200"));
    }

    /** N2: keys never cross plain HTTP, not even to the right token; the reason says what to configure. */
    @Test
    void aCredentialRouteOverPlainHttpIs403BeforeItsCheckRuns() throws Exception {
        String refused = request("127.0.0.1", "GET", "/api/keys", TOKEN, "");
        assertTrue(refused.startsWith("HTTP/1.1 403"), refused);
        assertFalse(refused.contains("KEY MATERIAL"), refused);
        assertTrue(
                refused.contains("https://BRIDGE:8443") && refused.contains("http.allowPlainCredentials: true"),
                refused);
        assertEquals(1, counters.authFailures(AuthFailure.PLAIN_HTTP));
        assertTrue(
                logged.stream()
                        .anyMatch(l -> l.contains("GET /api/keys from /127.0.0.1")
                                && l.contains("over plain HTTP")
                                && l.contains("https://BRIDGE:8443")),
                logged.toString());
    }

    @Test
    void theLabOptInServesThemOnPlainHttp() throws Exception {
        router.credentialsOverHttpsOnly(true, () -> "", "/api/keys");
        assertTrue(request("127.0.0.1", "GET", "/api/keys", TOKEN, "").contains("KEY MATERIAL"));
    }

    /** N20: a 413 used to log the whole URI, ?token= included. */
    @Test
    void a413LogsThePathButNotTheQuery() throws Exception {
        try {
            request("127.0.0.1", "POST", "/echo?token=secret-viewer-token-0123", null, "x".repeat(2000));
        } catch (java.net.SocketException reset) {
            // the server answers 413 and closes while the body is still coming: the client may see a reset
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counters.refusals(Limit.REQUEST_TOO_LARGE) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(
                logged.stream().anyMatch(l -> l.contains("POST /echo from") && l.contains("413")), logged.toString());
        assertTrue(logged.stream().noneMatch(l -> l.contains("secret-viewer-token")), logged.toString());
    }

    /** N20: a failed TLS handshake was logged once per connection; now once per address per interval. */
    @Test
    void failedTlsHandshakesFromOneAddressAreLoggedOncePerInterval() throws Exception {
        dev.lancast.rtc.tls.ServerTls tls = dev.lancast.rtc.tls.ServerTls.load(
                new dev.lancast.rtc.config.TlsSettings(null, null, null, true, null, null, false),
                new java.security.SecureRandom());
        HttpServer secure = new HttpServer(
                loops,
                new InetSocketAddress("127.0.0.1", 0),
                router,
                1024,
                Duration.ofSeconds(10),
                tls::context,
                counters,
                new RateLimitedLog(recording(), Duration.ofSeconds(10), now::get),
                new AuthFailureBackoff(now::get));
        try {
            for (int i = 0; i < 3; i++) {
                try (Socket notTls = new Socket(
                        InetAddress.getLoopbackAddress(), secure.localAddress().getPort())) {
                    notTls.setSoTimeout(10_000);
                    notTls.getOutputStream()
                            .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    notTls.getInputStream().readAllBytes(); // until the server closes it
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (secure.tlsHandshakeFailures() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(3, secure.tlsHandshakeFailures(), "every failure is counted");
            assertEquals(
                    1,
                    logged.stream()
                            .filter(l -> l.startsWith("TLS handshake with /127.0.0.1"))
                            .count(),
                    logged.toString());
        } finally {
            secure.close();
        }
    }

    /** One request on its own connection from {@code source}; the response head and body as text. */
    private String request(String source, String method, String path, String bearer, String body) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(server.localAddress());
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                            + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** A logger that keeps every info line, formatted, for the assertions. */
    private Logger recording() {
        return (Logger) Proxy.newProxyInstance(
                Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, m, args) -> {
                    if (m.getName().equals("info") && args != null && args.length >= 1 && args[0] instanceof String f) {
                        Object[] rest = args.length == 2 && args[1] instanceof Object[] a
                                ? a
                                : java.util.Arrays.copyOfRange(args, 1, args.length);
                        logged.add(MessageFormatter.arrayFormat(f, rest).getMessage());
                        return null;
                    }
                    if (m.getReturnType() == boolean.class) {
                        return true;
                    }
                    return m.getName().equals("getName") ? "recording" : null;
                });
    }
}
