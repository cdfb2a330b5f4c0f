package dev.lancast.rtc.ice;

import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.stun.StunException;
import dev.lancast.rtc.stun.StunMessage;
import dev.lancast.rtc.stun.StunMessageBuilder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controlling side of ICE towards an ICE-lite server (our sender, load generators, tests):
 * sends nominating checks to the server's host candidate until one succeeds, then keeps consent
 * fresh (RFC 7675) with a check every few seconds. Owns its own UDP socket.
 */
public final class IceClient implements AutoCloseable {
    /** What runs over the ICE path: a {@code PeerConnection}, or a load generator's lighter viewer. */
    public interface Peer {
        /** A check succeeded from this address; it becomes the path. */
        void onIcePath(InetSocketAddress from, boolean nominate);

        /** A non-STUN datagram from the server; the buffer is only valid during the call. */
        void onDatagram(byte[] buf, int off, int len);
    }

    private static final Logger LOG = LoggerFactory.getLogger(IceClient.class);
    private static final long CONSENT_INTERVAL_MS = 2500;

    private final DatagramChannel channel;
    private final IceCredentials local;
    private volatile InetSocketAddress remoteCandidate;
    private volatile IceCredentials remote;
    private final long tieBreaker;
    private final SecureRandom random;
    private final CompletableFuture<InetSocketAddress> connected = new CompletableFuture<>();
    private final byte[] scratch = new byte[2048];
    private volatile Peer peer;
    private volatile byte[] pendingTransaction;
    private ScheduledFuture<?> checks;

    public IceClient(
            EventLoops loops,
            InetSocketAddress localBind,
            InetSocketAddress remoteCandidate,
            IceCredentials local,
            IceCredentials remote,
            SecureRandom random) {
        this(loops, localBind, local, random);
        aim(remoteCandidate, remote);
    }

    /**
     * A client whose socket is bound now and whose server is named later with {@link #aim}: a
     * signaling protocol where the client answers (Janus offers) needs the local port first.
     */
    public IceClient(EventLoops loops, InetSocketAddress localBind, IceCredentials local, SecureRandom random) {
        this.local = local;
        this.random = random;
        this.tieBreaker = random.nextLong();
        this.channel = (DatagramChannel) new Bootstrap()
                .group(loops.group())
                .channelFactory(loops.datagramChannelFactory())
                .handler(new Inbound())
                .bind(localBind)
                .syncUninterruptibly()
                .channel();
    }

    /** The server's candidate and ICE credentials; before {@link #start}. */
    public void aim(InetSocketAddress remoteCandidate, IceCredentials remote) {
        this.remoteCandidate = remoteCandidate;
        this.remote = remote;
    }

    public DatagramChannel channel() {
        return channel;
    }

    /**
     * Starts checks; the peer built by {@code peerFactory} (over this client's channel) receives
     * every non-STUN datagram from the server.
     */
    public CompletableFuture<InetSocketAddress> start(Function<DatagramChannel, ? extends Peer> peerFactory) {
        if (remoteCandidate == null) {
            throw new IllegalStateException("aim() the client at a server before start()");
        }
        this.peer = peerFactory.apply(channel);
        channel.eventLoop().execute(() -> {
            checks = channel.eventLoop().scheduleAtFixedRate(this::sendCheck, 0, 50, TimeUnit.MILLISECONDS);
        });
        return connected;
    }

    private void sendCheck() {
        byte[] tx = new byte[12];
        random.nextBytes(tx);
        pendingTransaction = tx;
        byte[] request = new StunMessageBuilder()
                .bindingRequest(tx)
                .username(remote.ufrag() + ":" + local.ufrag())
                .priority(0x7E0000FFL)
                .iceControlling(tieBreaker)
                .useCandidate()
                .build(remote.pwdBytes(), true);
        channel.writeAndFlush(
                new DatagramPacket(Unpooled.wrappedBuffer(request), remoteCandidate), channel.voidPromise());
    }

    private void onStun(byte[] buf, int len, InetSocketAddress from) {
        StunMessage msg;
        try {
            msg = StunMessage.parse(buf, 0, len);
        } catch (StunException e) {
            LOG.debug("malformed STUN from {}: {}", from, e.getMessage());
            return;
        }
        if (msg.isBindingRequest()) {
            answerCheck(msg, from);
            return;
        }
        if (!msg.isBindingSuccess()
                || !Arrays.equals(msg.transactionId(), pendingTransaction)
                || !msg.verifyMessageIntegrity(remote.pwdBytes())) {
            return;
        }
        peer.onIcePath(from, true);
        if (!connected.isDone()) {
            connected.complete(from);
            checks.cancel(false);
            checks = channel.eventLoop()
                    .scheduleAtFixedRate(
                            this::sendCheck, CONSENT_INTERVAL_MS, CONSENT_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A server that is not ICE-lite (Janus's libnice checks its peers even when it says ice-lite)
     * waits for answers to its own checks before it takes the pair: answer them as a full agent
     * would (RFC 8445 7.3), with our password.
     */
    private void answerCheck(StunMessage msg, InetSocketAddress from) {
        IceCredentials r = remote;
        if (r == null
                || !(local.ufrag() + ":" + r.ufrag()).equals(msg.username())
                || !msg.verifyMessageIntegrity(local.pwdBytes())) {
            return;
        }
        byte[] response = new StunMessageBuilder()
                .bindingSuccess(msg.transactionId())
                .xorMappedAddress(from)
                .build(local.pwdBytes(), true);
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(response), from), channel.voidPromise());
    }

    @Override
    public void close() {
        channel.eventLoop().execute(() -> {
            if (checks != null) {
                checks.cancel(false);
            }
        });
        channel.close().syncUninterruptibly();
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            int len = content.readableBytes();
            if (len == 0
                    || len > scratch.length
                    || !packet.sender().equals(remoteCandidate)) { // null before aim(): dropped
                return;
            }
            content.getBytes(content.readerIndex(), scratch, 0, len);
            if (StunMessage.looksLikeStun(scratch, 0, len)) {
                onStun(scratch, len, packet.sender());
            } else if (peer != null) {
                peer.onDatagram(scratch, 0, len);
            }
        }
    }
}
