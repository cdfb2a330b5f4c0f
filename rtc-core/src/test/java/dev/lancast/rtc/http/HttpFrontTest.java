package dev.lancast.rtc.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.TlsSettings;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.tls.ClientTls;
import dev.lancast.rtc.tls.TestPki;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with an admin's or a generated certificate, the plain port's redirect and off modes, mutual TLS. */
@Tag("loopback")
class HttpFrontTest {
    private static final HostPort ANY_PORT = new HostPort("127.0.0.1", 0);

    @TempDir
    Path dir;

    private final EventLoops loops = new EventLoops("test-http", 1);
    private final Router router = new Router()
            .route(HttpMethod.GET, "/hello", request -> Response.text(200, "hi"))
            .route(HttpMethod.GET, "/who", request -> Response.text(200, "ok"), (headers, params, certificate) -> {
                if (certificate == null) {
                    throw new HttpError(401, "no client certificate");
                }
            });

    @AfterEach
    void stop() {
        loops.close();
    }

    @Test
    void servesHttpsWithTheAdminsCertificateAndPlainHttpBesideIt() throws Exception {
        TestPki ca = TestPki.ca("site");
        TestPki.Issued server = ca.issueServer(dir, "bridge");
        try (HttpFront front = start(tls(server, null, false), HttpSettings.Plain.SERVE)) {
            HttpClient client = client(ClientTls.context(ca.writeCa(dir).toString(), null, null, null));
            HttpResponse<String> response =
                    get(client, "https://127.0.0.1:" + front.tlsAddress().getPort() + "/hello");
            assertEquals(200, response.statusCode());
            assertEquals("hi\n", response.body());
            X509Certificate seen =
                    (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
            assertEquals("CN=bridge", seen.getSubjectX500Principal().getName());
            assertEquals(
                    200,
                    get(
                                    HttpClient.newHttpClient(),
                                    "http://127.0.0.1:" + front.plainAddress().getPort() + "/hello")
                            .statusCode());
            assertTrue(
                    front.describe()
                            .contains("https://127.0.0.1:" + front.tlsAddress().getPort()),
                    front.describe());
        }
    }

    @Test
    void aReloadServesTheReplacedCertificateAndKeepsTheOldOneWhenTheNewFilesAreBroken() throws Exception {
        TestPki ca = TestPki.ca("site");
        TestPki.Issued one = ca.issueServer(dir, "one");
        Path live = Files.createDirectory(dir.resolve("live"));
        Path cert = Files.copy(one.certificate(), live.resolve("cert.pem"));
        Path key = Files.copy(one.privateKey(), live.resolve("key.pem"));
        TlsSettings settings = new TlsSettings(ANY_PORT, cert.toString(), key.toString(), false, null, null, false);
        HttpClient client = client(ClientTls.context(ca.writeCa(dir).toString(), null, null, null));
        try (HttpFront front = start(settings, HttpSettings.Plain.OFF)) {
            String url = "https://127.0.0.1:" + front.tlsAddress().getPort() + "/hello";
            assertEquals("CN=one", subject(get(client, url)));

            TestPki.Issued two = ca.issueServer(dir, "two");
            Files.copy(two.certificate(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(two.privateKey(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            front.reloadCertificate();
            // A fresh client: the first one may keep its connection (and the old certificate) open.
            HttpClient fresh =
                    client(ClientTls.context(dir.resolve("site-ca.pem").toString(), null, null, null));
            assertEquals("CN=two", subject(get(fresh, url)));

            Files.writeString(key, "broken");
            front.reloadCertificate();
            assertEquals(
                    "CN=two",
                    subject(get(
                            client(ClientTls.context(dir.resolve("site-ca.pem").toString(), null, null, null)), url)));
        }
    }

    private static String subject(HttpResponse<?> response) throws Exception {
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }

    @Test
    void aClientTrustingAnotherCaRefusesTheServer() throws Exception {
        TestPki.Issued server = TestPki.ca("site").issueServer(dir, "bridge");
        Path otherCa = TestPki.ca("other").writeCa(dir);
        try (HttpFront front = start(tls(server, null, false), HttpSettings.Plain.OFF)) {
            HttpClient client = client(ClientTls.context(otherCa.toString(), null, null, null));
            assertThrows(
                    SSLHandshakeException.class,
                    () -> get(client, "https://127.0.0.1:" + front.tlsAddress().getPort() + "/hello"));
        }
    }

    @Test
    void selfSignedCertificateIsSavedPinnableAndKeptAcrossRestarts() throws Exception {
        Path cert = dir.resolve("self.pem");
        Path key = dir.resolve("self-key.pem");
        TlsSettings settings =
                new TlsSettings(ANY_PORT, cert.toString(), key.toString(), true, List.of("bridge.lan"), null, false);
        String fingerprint;
        try (HttpFront front = start(settings, HttpSettings.Plain.SERVE)) {
            fingerprint = front.tls().identity().fingerprintSha256();
            assertTrue(fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fingerprint);
            assertTrue(
                    front.tls().describe().contains("SHA-256 fingerprint " + fingerprint),
                    front.tls().describe());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

            HttpResponse<String> pinned = get(
                    client(ClientTls.context(null, fingerprint, null, null)),
                    "https://127.0.0.1:" + front.tlsAddress().getPort() + "/hello");
            assertEquals(200, pinned.statusCode());
            // The certificate names the configured name, this host and loopback, so a client that
            // trusts the saved certificate as its CA also passes the host name check.
            assertEquals(
                    200,
                    get(
                                    client(ClientTls.context(cert.toString(), null, null, null)),
                                    "https://127.0.0.1:" + front.tlsAddress().getPort() + "/hello")
                            .statusCode());
            String wrong = fingerprint.startsWith("00")
                    ? fingerprint.replaceFirst("00", "11")
                    : "00" + fingerprint.substring(2);
            assertThrows(
                    SSLHandshakeException.class,
                    () -> get(
                            client(ClientTls.context(null, wrong, null, null)),
                            "https://127.0.0.1:" + front.tlsAddress().getPort() + "/hello"));
        }
        try (HttpFront again = start(settings, HttpSettings.Plain.SERVE)) {
            assertEquals(fingerprint, again.tls().identity().fingerprintSha256(), "the saved certificate is reused");
        }
    }

    @Test
    void selfSignedWithoutFilesIsNewAtEachStart() throws Exception {
        TlsSettings settings = new TlsSettings(ANY_PORT, null, null, true, null, null, false);
        String first;
        try (HttpFront front = start(settings, HttpSettings.Plain.SERVE)) {
            first = front.tls().identity().fingerprintSha256();
        }
        try (HttpFront front = start(settings, HttpSettings.Plain.SERVE)) {
            assertNotEquals(first, front.tls().identity().fingerprintSha256());
        }
    }

    @Test
    void plainRedirectAnswers308ToTheSamePathAndQueryOnTheHttpsPort() throws Exception {
        TestPki.Issued server = TestPki.ca("site").issueServer(dir, "bridge");
        try (HttpFront front = start(tls(server, null, false), HttpSettings.Plain.REDIRECT)) {
            assertNull(front.plainAddress(), "plain HTTP serves nothing but the redirect");
            int tlsPort = front.tlsAddress().getPort();
            int plainPort = front.redirectAddress().getPort();
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plainPort + "/whip/main?x=1&y=2"))
                                    .POST(HttpRequest.BodyPublishers.ofString("v=0"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(308, response.statusCode());
            assertEquals(
                    "https://127.0.0.1:" + tlsPort + "/whip/main?x=1&y=2",
                    response.headers().firstValue("Location").orElseThrow());

            String raw = rawGet(plainPort, "GET /broadcast HTTP/1.1\r\nHost: bridge.lan:8080\r\n\r\n");
            assertTrue(raw.startsWith("HTTP/1.1 308 Permanent Redirect\r\n"), raw);
            assertTrue(raw.contains("location: https://bridge.lan:" + tlsPort + "/broadcast\r\n"), raw);
        }
    }

    @Test
    void redirectLocationKeepsIpv6BracketsAndDropsPort443() {
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 80);
        assertEquals("https://[fd00::1]:8443/a?b", HttpsRedirectServer.location("[fd00::1]:80", local, 8443, "/a?b"));
        assertEquals("https://bridge.lan/", HttpsRedirectServer.location("bridge.lan", local, 443, "/"));
        assertEquals("https://127.0.0.1:8443/x", HttpsRedirectServer.location(null, local, 8443, "/x"));
        assertEquals("https://127.0.0.1:8443/x", HttpsRedirectServer.location("a b\"<", local, 8443, "/x"));
    }

    @Test
    void plainOffDoesNotListen() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        TestPki.Issued server = TestPki.ca("site").issueServer(dir, "bridge");
        HttpSettings settings = new HttpSettings(
                new HostPort("127.0.0.1", port), 0, 0, tls(server, null, false), HttpSettings.Plain.OFF);
        try (HttpFront front = new HttpFront(loops, settings, router, new SecureRandom(), counters(), refusals())) {
            assertNull(front.plainAddress());
            assertNull(front.redirectAddress());
            int closedPort = port;
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", closedPort).close());
        }
    }

    @Test
    void mutualTlsAcceptsOnlyClientCertificatesOfTheClientCa() throws Exception {
        TestPki ca = TestPki.ca("site");
        TestPki gateways = TestPki.ca("gateways");
        TestPki rogue = TestPki.ca("rogue");
        TestPki.Issued server = ca.issueServer(dir, "bridge");
        Path gatewaysCa = gateways.writeCa(dir);
        String siteCa = ca.writeCa(dir).toString();
        TestPki.Issued good = gateways.issueClient(dir, "gateway-1");
        TestPki.Issued bad = rogue.issueClient(dir, "gateway-x");
        try (HttpFront front = start(tls(server, gatewaysCa, false), HttpSettings.Plain.OFF)) {
            String who = "https://127.0.0.1:" + front.tlsAddress().getPort() + "/who";
            assertEquals(
                    200,
                    get(
                                    client(ClientTls.context(
                                            siteCa,
                                            null,
                                            good.certificate().toString(),
                                            good.privateKey().toString())),
                                    who)
                            .statusCode());
            HttpResponse<String> none = get(client(ClientTls.context(siteCa, null, null, null)), who);
            assertEquals(401, none.statusCode(), "the certificate is optional for TLS, the route wants one");
            assertEquals(
                    200,
                    get(
                                    client(ClientTls.context(siteCa, null, null, null)),
                                    "https://127.0.0.1:" + front.tlsAddress().getPort() + "/hello")
                            .statusCode());
            // The JDK's client sends no certificate that the server's CA list does not name...
            assertEquals(
                    401,
                    get(
                                    client(ClientTls.context(
                                            siteCa,
                                            null,
                                            bad.certificate().toString(),
                                            bad.privateKey().toString())),
                                    who)
                            .statusCode());
            // ...and a client that sends it anyway fails the handshake.
            HttpClient rogueClient = client(TestPki.alwaysPresenting(bad, siteCa));
            long failuresBefore = front.tlsHandshakeFailures();
            assertThrows(IOException.class, () -> get(rogueClient, who), "a certificate of another CA fails TLS");
            waitUntil(() -> front.tlsHandshakeFailures() > failuresBefore, "the refused handshake is counted");
            assertEquals(
                    200,
                    get(client(TestPki.alwaysPresenting(good, siteCa)), who).statusCode());
        }
        try (HttpFront front = start(tls(server, gatewaysCa, true), HttpSettings.Plain.OFF)) {
            String hello = "https://127.0.0.1:" + front.tlsAddress().getPort() + "/hello";
            assertThrows(
                    IOException.class,
                    () -> get(client(ClientTls.context(siteCa, null, null, null)), hello),
                    "requireClientCertificate refuses connections without one");
            assertEquals(
                    200,
                    get(
                                    client(ClientTls.context(
                                            siteCa,
                                            null,
                                            good.certificate().toString(),
                                            good.privateKey().toString())),
                                    hello)
                            .statusCode());
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private HttpFront start(TlsSettings tls, HttpSettings.Plain plain) {
        return new HttpFront(
                loops,
                new HttpSettings(ANY_PORT, 0, 0, tls, plain),
                router,
                new SecureRandom(),
                counters(),
                refusals());
    }

    private static TlsSettings tls(TestPki.Issued server, Path clientCa, boolean require) {
        return new TlsSettings(
                ANY_PORT,
                server.certificate().toString(),
                server.privateKey().toString(),
                false,
                null,
                clientCa == null ? null : clientCa.toString(),
                require);
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String rawGet(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static dev.lancast.rtc.limits.LimitCounters counters() {
        return new dev.lancast.rtc.limits.LimitCounters(java.util.List.of());
    }

    private static dev.lancast.rtc.limits.RateLimitedLog refusals() {
        return new dev.lancast.rtc.limits.RateLimitedLog(
                org.slf4j.LoggerFactory.getLogger(HttpFrontTest.class),
                java.time.Duration.ofSeconds(10),
                System::nanoTime);
    }
}
