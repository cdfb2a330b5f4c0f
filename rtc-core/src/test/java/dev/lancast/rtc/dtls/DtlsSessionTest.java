package dev.lancast.rtc.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.srtp.SrtpProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Our DTLS client against our DTLS server over an in-memory path. */
class DtlsSessionTest {
    private final ExecutorService executor = Executors.newCachedThreadPool(new NamedThreadFactory("test-dtls", true));
    private final DtlsCertificate serverCert = DtlsCertificate.generate();
    private final DtlsCertificate clientCert = DtlsCertificate.generate();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static byte[] fp(DtlsCertificate c) {
        return HexFormat.of().parseHex(c.fingerprintSha256().replace(":", ""));
    }

    private DtlsSession[] pair(byte[] serverExpects, byte[] clientExpects, Duration timeout) {
        AtomicReference<DtlsSession> server = new AtomicReference<>();
        AtomicReference<DtlsSession> client = new AtomicReference<>();
        server.set(new DtlsSession(
                DtlsRole.SERVER,
                serverCert,
                serverExpects,
                (b, o, l) -> client.get().onPacket(b, o, l),
                executor,
                timeout));
        client.set(new DtlsSession(
                DtlsRole.CLIENT,
                clientCert,
                clientExpects,
                (b, o, l) -> server.get().onPacket(b, o, l),
                executor,
                timeout));
        return new DtlsSession[] {server.get(), client.get()};
    }

    @Test
    void handshakeExportsMatchingSrtpKeys() throws Exception {
        DtlsSession[] s = pair(fp(clientCert), fp(serverCert), Duration.ofSeconds(30));
        s[0].start();
        s[1].start();
        SrtpKeys server = s[0].handshakeFuture().get(60, TimeUnit.SECONDS);
        SrtpKeys client = s[1].handshakeFuture().get(60, TimeUnit.SECONDS);
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, server.profile(), "GCM is preferred");
        assertArrayEquals(client.localKey(), server.remoteKey());
        assertArrayEquals(client.localSalt(), server.remoteSalt());
        assertArrayEquals(server.localKey(), client.remoteKey());
        assertEquals(16, server.localKey().length);
        assertEquals(12, server.localSalt().length);
        assertTrue(!java.util.Arrays.equals(server.localKey(), server.remoteKey()));

        Runnable closed = () -> {};
        AtomicReference<Boolean> serverSawClose = new AtomicReference<>(false);
        s[0].onClosed(() -> serverSawClose.set(true));
        s[1].onClosed(closed);
        s[1].close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!serverSawClose.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(serverSawClose.get(), "the server noticed the client's close_notify");
    }

    @Test
    void aCertificateThatDoesNotMatchTheSdpFingerprintFailsTheHandshake() {
        byte[] wrong = fp(DtlsCertificate.generate());
        DtlsSession[] s = pair(wrong, fp(serverCert), Duration.ofSeconds(30));
        s[0].start();
        s[1].start();
        ExecutionException e = assertThrows(
                ExecutionException.class, () -> s[0].handshakeFuture().get(60, TimeUnit.SECONDS));
        assertTrue(
                e.getCause().getMessage().contains("does not match the SDP fingerprint"),
                e.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> s[1].handshakeFuture().get(60, TimeUnit.SECONDS));
    }

    @Test
    void aSilentPeerTimesOut() {
        DtlsSession client = new DtlsSession(
                DtlsRole.CLIENT, clientCert, fp(serverCert), (b, o, l) -> {}, executor, Duration.ofSeconds(2));
        client.start();
        ExecutionException e = assertThrows(
                ExecutionException.class, () -> client.handshakeFuture().get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("timed out"), e.getCause().getMessage());
    }

    private DtlsSession[] pairOn(java.util.concurrent.Executor pool, Duration timeout) {
        AtomicReference<DtlsSession> server = new AtomicReference<>();
        AtomicReference<DtlsSession> client = new AtomicReference<>();
        server.set(new DtlsSession(
                DtlsRole.SERVER,
                serverCert,
                fp(clientCert),
                (b, o, l) -> client.get().onPacket(b, o, l),
                pool,
                timeout));
        client.set(new DtlsSession(
                DtlsRole.CLIENT,
                clientCert,
                fp(serverCert),
                (b, o, l) -> server.get().onPacket(b, o, l),
                pool,
                timeout));
        return new DtlsSession[] {server.get(), client.get()};
    }

    /** The first flight of a real client: its ClientHello record. */
    private byte[] aClientHello() throws Exception {
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        DtlsSession client = new DtlsSession(
                DtlsRole.CLIENT,
                clientCert,
                fp(serverCert),
                (b, o, l) -> first.complete(java.util.Arrays.copyOfRange(b, o, o + l)),
                executor,
                Duration.ofSeconds(30));
        client.start();
        byte[] hello = first.get(30, TimeUnit.SECONDS);
        client.close();
        return hello;
    }

    @Test
    void serversWhosePeersNeverSendAClientHelloHoldNoThread() throws Exception {
        // More sessions than the pool has threads: on a pool that ran every accept() at once, most
        // would be refused or queued; waiting for the ClientHello, none holds a thread.
        try (HandshakeThreads pool = new HandshakeThreads("test-handshakes", 4)) {
            List<DtlsSession> vanished = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                DtlsSession s = new DtlsSession(
                        DtlsRole.SERVER, serverCert, fp(clientCert), (b, o, l) -> {}, pool, Duration.ofSeconds(30));
                s.start();
                s.onPacket(new byte[] {23, (byte) 0xFE, (byte) 0xFD, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, 0, 15);
                vanished.add(s);
            }
            Thread.sleep(300);
            assertEquals(0, pool.threads(), "no thread for a session whose peer never said hello");

            DtlsSession[] s = pairOn(pool, Duration.ofSeconds(30));
            s[0].start();
            s[1].start();
            SrtpKeys server = s[0].handshakeFuture().get(60, TimeUnit.SECONDS);
            assertArrayEquals(s[1].handshakeFuture().get(60, TimeUnit.SECONDS).localKey(), server.remoteKey());
            vanished.forEach(v -> assertTrue(!v.handshakeFuture().isDone(), "the silent sessions wait, untouched"));
            vanished.forEach(DtlsSession::close);
        }
    }

    @Test
    void aHandshakeCompletesWhileOthersWaitForPeersThatSaidHelloAndVanished() throws Exception {
        // Four peers that sent a ClientHello and went away each hold a thread until the (long)
        // timeout; a fifth handshake must not wait behind them.
        byte[] hello = aClientHello();
        try (HandshakeThreads pool = HandshakeThreads.forSessions("test-handshakes", 8)) {
            List<DtlsSession> stuck = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                DtlsSession s = new DtlsSession(
                        DtlsRole.SERVER, serverCert, fp(clientCert), (b, o, l) -> {}, pool, Duration.ofSeconds(120));
                s.start();
                s.onPacket(hello, 0, hello.length);
                stuck.add(s);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pool.busy() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(4, pool.busy(), "each peer that said hello has a handshake in progress");

            DtlsSession[] s = pairOn(pool, Duration.ofSeconds(120));
            s[0].start();
            s[1].start();
            s[0].handshakeFuture().get(60, TimeUnit.SECONDS);
            s[1].handshakeFuture().get(60, TimeUnit.SECONDS);
            stuck.forEach(v -> assertTrue(!v.handshakeFuture().isDone(), "the vanished peers' handshakes still wait"));

            stuck.forEach(DtlsSession::close);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pool.busy() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, pool.busy(), "closing a session frees its handshake's thread");
        }
    }

    @Test
    void handshakesBeyondThePoolAreRefusedNotQueued() throws Exception {
        byte[] hello = aClientHello();
        try (HandshakeThreads pool = new HandshakeThreads("test-handshakes", 1)) {
            DtlsSession first = new DtlsSession(
                    DtlsRole.SERVER, serverCert, fp(clientCert), (b, o, l) -> {}, pool, Duration.ofSeconds(120));
            first.start();
            first.onPacket(hello, 0, hello.length);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pool.busy() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            DtlsSession second = new DtlsSession(
                    DtlsRole.SERVER, serverCert, fp(clientCert), (b, o, l) -> {}, pool, Duration.ofSeconds(120));
            second.start();
            second.onPacket(hello, 0, hello.length);
            ExecutionException e = assertThrows(
                    ExecutionException.class, () -> second.handshakeFuture().get(10, TimeUnit.SECONDS));
            assertTrue(
                    e.getCause().getMessage().contains("too many DTLS handshakes in progress"),
                    e.getCause().getMessage());
            first.close();
        }
    }

    @Test
    void onlyAnEpochZeroClientHelloStartsAServer() throws Exception {
        byte[] hello = aClientHello();
        assertTrue(DtlsSession.isClientHello(hello, 0, hello.length));
        byte[] other = hello.clone();
        other[13] = 2; // server_hello
        assertTrue(!DtlsSession.isClientHello(other, 0, other.length));
        other = hello.clone();
        other[0] = 23; // application data
        assertTrue(!DtlsSession.isClientHello(other, 0, other.length));
        other = hello.clone();
        other[4] = 1; // epoch 1
        assertTrue(!DtlsSession.isClientHello(other, 0, other.length));
        assertTrue(!DtlsSession.isClientHello(hello, 0, 20), "too short");
    }

    @Test
    void fingerprintIsUppercaseColonHex() {
        String fp = serverCert.fingerprintSha256();
        assertEquals(32 * 3 - 1, fp.length());
        assertTrue(fp.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fp);
    }
}
