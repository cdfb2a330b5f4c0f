package dev.lancast.rtc.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.peer.ServerPeers;
import dev.lancast.rtc.sdp.OfferBuilder;
import dev.lancast.rtc.stun.StunMessage;
import dev.lancast.rtc.stun.StunMessageBuilder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared ICE-lite port on 127.0.0.1: checks with a wrong password, and sessions that never finish DTLS. */
class IceLiteLimitsTest {
    private final SecureRandom random = new SecureRandom();
    private final EventLoops loops = new EventLoops("test-ice", 1);
    private final ExecutorService dtls = Executors.newCachedThreadPool(new NamedThreadFactory("test-ice-dtls", true));
    private final LimitCounters counters = new LimitCounters(List.of(Limit.values()));
    private final IceLiteServer ice = new IceLiteServer(loops, new InetSocketAddress("127.0.0.1", 0),
            Duration.ofSeconds(30), Duration.ofSeconds(2), counters);
    private final ServerPeers peers = new ServerPeers(ice, DtlsCertificate.generate(), dtls, "127.0.0.1",
            Duration.ofSeconds(2), random);
    private final IceCredentials client = IceCredentials.generate(random);

    @AfterEach
    void stop() {
        ice.close();
        dtls.shutdownNow();
        loops.close();
    }

    private PeerConnection session(CompletableFuture<String> closed) throws Exception {
        String offer = new OfferBuilder().ice(client.ufrag(), client.pwd())
                .fingerprint("sha-256", DtlsCertificate.generate().fingerprintSha256())
                .video(96, 1234, "c", "s", "v").build();
        return peers.create("test", ServerPeers.parseOffer(offer), new PeerConnection.Listener() {
            @Override
            public void onRtp(PeerConnection pc, byte[] buf, int off, int len) {
            }

            @Override
            public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {
            }

            @Override
            public void onClosed(PeerConnection pc, String reason) {
                closed.complete(reason);
            }
        });
    }

    private byte[] check(PeerConnection server, byte[] password) {
        byte[] tx = new byte[12];
        random.nextBytes(tx);
        return new StunMessageBuilder().bindingRequest(tx)
                .username(server.localIce().ufrag() + ":" + client.ufrag())
                .priority(0x7E0000FFL).iceControlling(random.nextLong()).useCandidate()
                .build(password, true);
    }

    @Test
    void aCheckWithAWrongPasswordGetsNoAnswerAndIsCounted() throws Exception {
        PeerConnection server = session(new CompletableFuture<>());
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(1500);
            byte[] wrong = check(server, "not-the-password-of-this-session".getBytes(StandardCharsets.UTF_8));
            socket.send(new DatagramPacket(wrong, wrong.length, ice.localAddress()));
            DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
            assertThrows(SocketTimeoutException.class, () -> socket.receive(in), "silence, not an error response");
            assertEquals(1, counters.refusals(Limit.STUN_WRONG_PASSWORD));

            byte[] right = check(server, server.localIce().pwdBytes());
            socket.send(new DatagramPacket(right, right.length, ice.localAddress()));
            socket.receive(in);
            assertTrue(StunMessage.parse(in.getData(), 0, in.getLength()).isBindingSuccess(), "the right password is answered");
            assertEquals(1, counters.refusals(Limit.STUN_WRONG_PASSWORD));
        }
    }

    /**
     * Issue 14: checks with a sniffed ufrag each cost a parse and an HMAC on the shared port's loop.
     * From one address without a session path, past 100 per second they are dropped unparsed; a
     * check from another address is still answered.
     */
    @Test
    void aStunFloodFromOneAddressIsCutBeforeItsHmacAndOthersAreAnswered() throws Exception {
        PeerConnection server = session(new CompletableFuture<>());
        byte[] wrong = check(server, "not-the-password-of-this-session".getBytes(StandardCharsets.UTF_8));
        long start = System.nanoTime();
        try (DatagramSocket flooder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (int i = 0; i < 2000; i++) {
                flooder.send(new DatagramPacket(wrong, wrong.length, ice.localAddress()));
                if (i % 200 == 199) {
                    Thread.sleep(2); // paced so that loopback's socket buffer keeps them all
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (counters.refusals(Limit.STUN_RATE) + counters.refusals(Limit.STUN_WRONG_PASSWORD) < 1900
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long verified = counters.refusals(Limit.STUN_WRONG_PASSWORD);
        assertTrue(verified <= IceLiteServer.STUN_PER_ADDRESS_PER_SECOND * (1 + seconds) + 1,
                verified + " checks verified in " + seconds + " s");
        assertTrue(counters.refusals(Limit.STUN_RATE) > 1000, "the rest dropped unparsed: " + counters.refusals(Limit.STUN_RATE));

        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            other.setSoTimeout(5000);
            byte[] right = check(server, server.localIce().pwdBytes());
            other.send(new DatagramPacket(right, right.length, ice.localAddress()));
            DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
            other.receive(in);
            assertTrue(StunMessage.parse(in.getData(), 0, in.getLength()).isBindingSuccess(), "another address is answered");
        }
    }

    @Test
    void aSessionThatNeverCompletesDtlsEndsAtTheHandshakeTimeout() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        long start = System.nanoTime();
        PeerConnection server = session(closed);
        // ICE completes, but no ClientHello ever comes.
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] right = check(server, server.localIce().pwdBytes());
            socket.send(new DatagramPacket(right, right.length, ice.localAddress()));
            String reason = closed.get(60, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMs >= 1900, "not before the timeout: " + tookMs + " ms");
            assertTrue(reason.contains("did not complete") || reason.contains("timed out"), reason);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (counters.refusals(Limit.DTLS_HANDSHAKE_TIMEOUT) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, counters.refusals(Limit.DTLS_HANDSHAKE_TIMEOUT));
        assertEquals(0, ice.sessionCount());
    }
}
