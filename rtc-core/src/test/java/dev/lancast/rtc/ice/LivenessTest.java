package dev.lancast.rtc.ice;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.DtlsRole;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.peer.ServerPeers;
import dev.lancast.rtc.sdp.Fingerprint;
import dev.lancast.rtc.sdp.OfferBuilder;
import dev.lancast.rtc.stun.StunMessage;
import dev.lancast.rtc.stun.StunMessageBuilder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The liveness rule (docs/architecture.md, "Liveness") on a real session over 127.0.0.1: a client
 * that sends one check, completes DTLS and then sends no more checks stays up while it sends
 * authenticated RTCP, or binding indications from its path, and ends once it falls silent.
 */
@Tag("loopback")
class LivenessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final SecureRandom random = new SecureRandom();
    private final EventLoops loops = new EventLoops("test-liveness", 1);
    private final ExecutorService dtls =
            Executors.newCachedThreadPool(new NamedThreadFactory("test-liveness-dtls", true));
    private final LimitCounters counters = new LimitCounters(List.of(Limit.values()));
    private final IceLiteServer ice =
            new IceLiteServer(loops, new InetSocketAddress("127.0.0.1", 0), TIMEOUT, Duration.ofSeconds(20), counters);
    private final DtlsCertificate serverCertificate = DtlsCertificate.generate();
    private final ServerPeers peers = new ServerPeers(
            ice, serverCertificate, dtls, "127.0.0.1", Duration.ofSeconds(20), random, System::nanoTime);
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private DatagramChannel channel;
    private PeerConnection client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close("test over");
        }
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        ice.close();
        dtls.shutdownNow();
        loops.close();
    }

    /** Connects a client that sends a single ICE check: no consent checks follow. */
    private PeerConnection connect() throws Exception {
        IceCredentials clientIce = IceCredentials.generate(random);
        DtlsCertificate clientCertificate = DtlsCertificate.generate();
        String offer = new OfferBuilder()
                .ice(clientIce.ufrag(), clientIce.pwd())
                .fingerprint("sha-256", clientCertificate.fingerprintSha256())
                .video(96, 1234, "c", "s", "v")
                .build();
        PeerConnection server = peers.create(
                "live", ServerPeers.parseOffer(offer), InetAddress.getLoopbackAddress(), new PeerConnection.Listener() {
                    @Override
                    public void onRtp(PeerConnection pc, byte[] buf, int off, int len) {}

                    @Override
                    public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {}

                    @Override
                    public void onClosed(PeerConnection pc, String reason) {
                        closed.complete(reason);
                    }
                });
        channel = (DatagramChannel) new Bootstrap()
                .group(loops.group())
                .channelFactory(loops.datagramChannelFactory())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ByteBuf content = packet.content();
                        byte[] data = new byte[content.readableBytes()];
                        content.getBytes(content.readerIndex(), data);
                        if (client != null && !StunMessage.looksLikeStun(data, 0, data.length)) {
                            client.onDatagram(data, 0, data.length);
                        }
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
        client = new PeerConnection(
                "client",
                clientIce,
                server.localIce(),
                DtlsRole.CLIENT,
                clientCertificate,
                new Fingerprint("sha-256", serverCertificate.fingerprintSha256()).bytes(),
                channel,
                dtls,
                Duration.ofSeconds(20),
                new PeerConnection.Listener() {
                    @Override
                    public void onRtp(PeerConnection pc, byte[] buf, int off, int len) {}

                    @Override
                    public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {}
                },
                System::nanoTime);
        client.onIcePath(ice.localAddress(), true);
        byte[] tx = new byte[12];
        random.nextBytes(tx);
        byte[] check = new StunMessageBuilder()
                .bindingRequest(tx)
                .username(server.localIce().ufrag() + ":" + clientIce.ufrag())
                .priority(0x7E0000FFL)
                .iceControlling(random.nextLong())
                .useCandidate()
                .build(server.localIce().pwdBytes(), true);
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(check), ice.localAddress()))
                .sync();
        client.startDtls();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (client.state() != PeerConnection.State.CONNECTED || server.state() != PeerConnection.State.CONNECTED) {
            assertTrue(
                    System.nanoTime() < deadline && !closed.isDone(),
                    "DTLS did not complete: " + closed.getNow("open"));
            if (System.nanoTime() > nextCheck) {
                // Checks go on while the handshake does, as an agent's do (a first handshake in a
                // busy JVM can outlast the 3 s timeout); none follows once connected.
                channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(check), ice.localAddress()));
                nextCheck += TimeUnit.SECONDS.toNanos(1);
            }
            Thread.sleep(20);
        }
        return server;
    }

    /** A receiver report with no report blocks (RFC 3550 6.4.2), which the client encrypts as SRTCP. */
    private void sendRtcp() {
        byte[] rr = {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0x12, 0x34};
        client.eventLoop().execute(() -> {
            client.writeRtcp(rr, 0, rr.length);
            client.flush();
        });
    }

    /** A binding indication without attributes (RFC 8445 11 keepalive) from the given channel. */
    private void sendIndication(DatagramChannel from) {
        byte[] indication = new byte[20];
        indication[1] = 0x11;
        indication[4] = 0x21;
        indication[5] = 0x12;
        indication[6] = (byte) 0xA4;
        indication[7] = 0x42;
        for (int i = 8; i < 20; i++) {
            indication[i] = (byte) random.nextInt();
        }
        from.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(indication), ice.localAddress()));
    }

    /** Runs {@code keepalive} every 500 ms for twice the timeout; the session must stay up, then end once it stops. */
    private void staysUpWhile(Runnable keepalive) throws Exception {
        long end = System.nanoTime() + 2 * TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            keepalive.run();
            Thread.sleep(500);
            assertFalse(closed.isDone(), "the session ended while its peer was heard: " + closed.getNow(""));
        }
        String reason = closed.get(TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
        assertTrue(reason.startsWith("peer gone"), reason);
    }

    @Test
    void authenticatedRtcpKeepsASessionWithoutChecksUp() throws Exception {
        connect();
        staysUpWhile(this::sendRtcp);
    }

    @Test
    void bindingIndicationsFromThePathKeepItUp() throws Exception {
        connect();
        staysUpWhile(() -> sendIndication(channel));
    }

    @Test
    void indicationsFromAnotherAddressAndRtcpThatFailsAuthenticationDoNot() throws Exception {
        connect();
        long start = System.nanoTime();
        DatagramChannel stranger = (DatagramChannel) new Bootstrap()
                .group(loops.group())
                .channelFactory(loops.datagramChannelFactory())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {}
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
        try {
            byte[] forged = {
                (byte) 0x80,
                (byte) 201,
                0,
                1,
                0,
                0,
                0x12,
                0x34,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                (byte) 0x80,
                0,
                0,
                1
            };
            while (!closed.isDone() && System.nanoTime() - start < 3 * TIMEOUT.toNanos()) {
                sendIndication(stranger);
                // Unauthenticated "SRTCP" on the path itself: it must not count either.
                channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(forged), ice.localAddress()));
                Thread.sleep(500);
            }
            assertTrue(closed.isDone(), "the session ended");
            assertTrue(closed.get().startsWith("peer gone"), closed.get());
        } finally {
            stranger.close().syncUninterruptibly();
        }
    }
}
