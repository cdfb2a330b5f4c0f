package dev.lancast.rtc.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.srtp.SrtpProfile;
import java.time.Duration;
import java.util.HexFormat;
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
        server.set(new DtlsSession(DtlsRole.SERVER, serverCert, serverExpects,
                (b, o, l) -> client.get().onPacket(b, o, l), executor, timeout));
        client.set(new DtlsSession(DtlsRole.CLIENT, clientCert, clientExpects,
                (b, o, l) -> server.get().onPacket(b, o, l), executor, timeout));
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

        Runnable closed = () -> { };
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
        ExecutionException e = assertThrows(ExecutionException.class, () -> s[0].handshakeFuture().get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("does not match the SDP fingerprint"), e.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> s[1].handshakeFuture().get(60, TimeUnit.SECONDS));
    }

    @Test
    void aSilentPeerTimesOut() {
        DtlsSession client = new DtlsSession(DtlsRole.CLIENT, clientCert, fp(serverCert), (b, o, l) -> { },
                executor, Duration.ofSeconds(2));
        client.start();
        ExecutionException e = assertThrows(ExecutionException.class, () -> client.handshakeFuture().get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("timed out"), e.getCause().getMessage());
    }

    @Test
    void fingerprintIsUppercaseColonHex() {
        String fp = serverCert.fingerprintSha256();
        assertEquals(32 * 3 - 1, fp.length());
        assertTrue(fp.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fp);
    }
}
