package dev.lancast.rtc.ice;

import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.PeriodicTask;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.stun.StunException;
import dev.lancast.rtc.stun.StunMessage;
import dev.lancast.rtc.stun.StunMessageBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ICE-lite (RFC 8445 2.5) on one UDP port shared by every session of the process, as Janus and
 * Jitsi Videobridge do. The first packet of a session is a STUN check whose USERNAME names our
 * ufrag; after a valid check the source 5-tuple routes DTLS and SRTP to that session.
 * Sessions nothing is heard from end ({@link ConsentWatch}).
 * A check with a wrong password gets no answer at all (counted).
 * STUN from an address that has no session path yet is rate-limited per source before it is
 * parsed or its HMAC computed ({@link StunAdmission}: per client with an answered offer, else per
 * /24 or /64), so one flooding host (junk, or checks with a sniffed ufrag) costs the shared port's
 * loop almost nothing and the other peers' checks and media go on. A session routes at most
 * {@link IcePaths#MAX_PER_SESSION} source addresses ({@link IcePaths}).
 *
 * <p>On epoll the port is served by one socket per media loop ({@link SharedPort}); a session is
 * bound to the loop whose socket its first valid check reached and all its DTLS, SRTP and timers run
 * there, on that loop alone. A datagram of a session that reaches another socket (a peer whose path
 * changed) is handed to the session's loop.
 */
public final class IceLiteServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IceLiteServer.class);

    /** One socket per media loop on the one port; the first also takes sessions not bound yet. */
    private final List<DatagramChannel> channels;

    private final DatagramChannel channel;
    /** The receive path of each socket, in the order of {@link #channels}. */
    private final List<IceInbound> inbounds;

    private final Map<String, PeerConnection> byUfrag = new ConcurrentHashMap<>();
    private final IcePaths paths = new IcePaths();
    private final ConsentWatch consent;
    private final LimitCounters counters;
    private final LongSupplier clock;
    private final List<PeriodicTask> consentChecks = new ArrayList<>();
    private final LongAdder unknownUfrag = new LongAdder();
    private final LongAdder dtlsFailures = new LongAdder();
    private final LongAdder crossLoop = new LongAdder();
    /** STUN checks per second (and burst) from one IP address without a session path, by default. */
    static final int STUN_PER_ADDRESS_PER_SECOND = 100;
    /** Networks with a STUN budget at once, per socket; past that the least recent is forgotten. */
    static final int MAX_STUN_SOURCES = 4096;
    /** Clients with an answered offer whose checks have budgets of their own, per socket. */
    static final int MAX_ANSWERED_CLIENTS = 1024;

    public IceLiteServer(
            EventLoops loops,
            InetSocketAddress bindAddress,
            Duration consentTimeout,
            Duration handshakeTimeout,
            LimitCounters counters) {
        this(loops, bindAddress, consentTimeout, handshakeTimeout, counters, STUN_PER_ADDRESS_PER_SECOND);
    }

    /** @param stunPerAddressPerSecond limits.stunPerAddressPerSecond: STUN taken from one IP address without a path */
    public IceLiteServer(
            EventLoops loops,
            InetSocketAddress bindAddress,
            Duration consentTimeout,
            Duration handshakeTimeout,
            LimitCounters counters,
            int stunPerAddressPerSecond) {
        this(loops, 1, bindAddress, consentTimeout, handshakeTimeout, counters, stunPerAddressPerSecond);
    }

    /**
     * @param sockets how many sockets (one per loop of {@code loops}) share the port; 1 where the
     *                transport has no SO_REUSEPORT (NIO)
     */
    public IceLiteServer(
            EventLoops loops,
            int sockets,
            InetSocketAddress bindAddress,
            Duration consentTimeout,
            Duration handshakeTimeout,
            LimitCounters counters,
            int stunPerAddressPerSecond) {
        this(
                loops,
                sockets,
                bindAddress,
                consentTimeout,
                handshakeTimeout,
                counters,
                stunPerAddressPerSecond,
                System::nanoTime);
    }

    IceLiteServer(
            EventLoops loops,
            int sockets,
            InetSocketAddress bindAddress,
            Duration consentTimeout,
            Duration handshakeTimeout,
            LimitCounters counters,
            int stunPerAddressPerSecond,
            LongSupplier nanoClock) {
        this.consent = new ConsentWatch(consentTimeout, handshakeTimeout);
        this.counters = counters;
        this.clock = nanoClock;
        int count = loops.isEpoll() ? Math.max(1, sockets) : 1;
        List<IceInbound> receivers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            receivers.add(new IceInbound(
                    this::onDatagram,
                    new StunAdmission(stunPerAddressPerSecond, MAX_STUN_SOURCES, MAX_ANSWERED_CLIENTS),
                    nanoClock));
        }
        this.inbounds = List.copyOf(receivers);
        this.channels = SharedPort.bind(loops, bindAddress, inbounds);
        this.channel = channels.get(0);
        for (DatagramChannel ch : channels) {
            // Each loop checks the sessions it owns. A failing check must not end consent expiry for the process's
            // life.
            consentChecks.add(PeriodicTask.schedule(
                    ch.eventLoop(),
                    "ICE consent check",
                    LOG,
                    () -> consent.check(byUfrag.values(), ch, clock.getAsLong()),
                    1,
                    1,
                    TimeUnit.SECONDS));
        }
        LOG.info(
                "ICE-lite media port listening on udp/{} ({} socket{})",
                localAddress(),
                channels.size(),
                channels.size() == 1 ? "" : "s, SO_REUSEPORT");
    }

    /** Runs of the consent check that threw (logged; the check goes on). */
    public long taskFailures() {
        return consentChecks.stream().mapToLong(PeriodicTask::failures).sum();
    }

    /** Every socket of the port, one per media loop. */
    public List<DatagramChannel> channels() {
        return channels;
    }

    /** Datagrams that reached a socket of another loop than their session's and were handed over. */
    public long crossLoopDatagrams() {
        return crossLoop.sum();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public DatagramChannel channel() {
        return channel;
    }

    /** Makes the session reachable by STUN checks naming its local ufrag. */
    public void register(PeerConnection pc) {
        if (byUfrag.putIfAbsent(pc.localIce().ufrag(), pc) != null) {
            throw new IllegalStateException(
                    "duplicate ICE ufrag " + pc.localIce().ufrag());
        }
        paths.open(pc);
        pc.closeHook(() -> forget(pc));
    }

    /**
     * An offer from {@code client} is being answered: the checks that follow from that address get
     * a STUN budget of their own on every socket, which no flood from other sources takes away.
     */
    public void expectChecksFrom(InetAddress client) {
        for (int i = 0; i < channels.size(); i++) {
            StunAdmission admission = inbounds.get(i).admission;
            channels.get(i).eventLoop().execute(() -> admission.answered(client, clock.getAsLong()));
        }
    }

    /** Source addresses that route datagrams to a session. */
    int routedAddresses() {
        return paths.size();
    }

    /** An ICE restart: checks naming the new ufrag reach the session, the old ufrag no longer does. */
    public void restart(PeerConnection pc, IceCredentials local, IceCredentials remote) {
        if (byUfrag.putIfAbsent(local.ufrag(), pc) != null) {
            throw new IllegalStateException("duplicate ICE ufrag " + local.ufrag());
        }
        String old = pc.localIce().ufrag();
        pc.restartIce(local, remote);
        byUfrag.remove(old, pc);
        if (pc.isClosed()) {
            byUfrag.remove(local.ufrag(), pc);
        }
    }

    public int sessionCount() {
        return byUfrag.size();
    }

    /** Checks with a wrong password or ufrag pair (not answered). */
    public long badIntegrity() {
        return counters.refusals(Limit.STUN_WRONG_PASSWORD);
    }

    /** Checks naming a ufrag no session has. */
    public long unknownUfrag() {
        return unknownUfrag.sum();
    }

    /** Sessions whose DTLS handshake failed (bad fingerprint, timeout, alert). */
    public long dtlsFailures() {
        return dtlsFailures.sum();
    }

    private void forget(PeerConnection pc) {
        if (pc.dtlsFailed()) {
            dtlsFailures.increment();
        }
        if (pc.handshakeTimedOut()) {
            counters.refused(Limit.DTLS_HANDSHAKE_TIMEOUT);
        }
        byUfrag.remove(pc.localIce().ufrag(), pc);
        paths.close(pc);
    }

    private void onDatagram(IceInbound in, DatagramChannel via, DatagramPacket packet) {
        ByteBuf content = packet.content();
        int len = content.readableBytes();
        if (len == 0 || len > IceInbound.MAX_DATAGRAM) {
            return;
        }
        byte[] scratch = in.scratch;
        content.getBytes(content.readerIndex(), scratch, 0, len);
        InetSocketAddress from = packet.sender();
        if ((scratch[0] & 0xC0) == 0 && StunMessage.looksLikeStun(scratch, 0, len)) {
            if (!paths.routed(from) && !in.admission.admit(from.getAddress(), clock.getAsLong())) {
                counters.refused(Limit.STUN_RATE);
                return;
            }
            onStun(via, scratch, len, from);
            return;
        }
        PeerConnection pc = paths.route(from);
        if (pc == null) {
            return; // not a session's path: unauthenticated, costs nothing
        }
        if (pc.channel() != via) {
            // Not this loop's session (its path moved to an address the kernel hashes to another socket).
            crossLoop.increment();
            byte[] copy = Arrays.copyOf(scratch, len);
            pc.eventLoop().execute(() -> pc.onDatagram(copy, 0, copy.length));
            return;
        }
        pc.onDatagram(scratch, 0, len);
    }

    private void onStun(DatagramChannel via, byte[] buf, int len, InetSocketAddress from) {
        StunMessage msg;
        try {
            msg = StunMessage.parse(buf, 0, len);
        } catch (StunException e) {
            LOG.debug("malformed STUN from {}: {}", from, e.getMessage());
            return;
        }
        if (msg.isBindingIndication()) {
            // Keepalives carry no credentials (RFC 8445 11): only one from a session's path counts.
            PeerConnection known = paths.route(from);
            if (known != null) {
                known.onKeepalive(clock.getAsLong());
            }
            return;
        }
        if (!msg.isBindingRequest()) {
            return;
        }
        String username = msg.username();
        int colon = username == null ? -1 : username.indexOf(':');
        PeerConnection pc = colon < 0 ? null : byUfrag.get(username.substring(0, colon));
        if (pc == null) {
            unknownUfrag.increment();
            return;
        }
        if (!username.substring(colon + 1).equals(pc.remoteIce().ufrag())
                || !msg.hasMessageIntegrity()
                || !msg.verifyMessageIntegrity(pc.localIce().pwdBytes())
                || (msg.hasFingerprint() && !msg.verifyFingerprint())) {
            // A wrong password is ignored, not answered: RFC 8445 7.3 lets us stay silent.
            counters.refused(Limit.STUN_WRONG_PASSWORD);
            return;
        }
        byte[] response = new StunMessageBuilder()
                .bindingSuccess(msg.transactionId())
                .xorMappedAddress(from)
                .build(pc.localIce().pwdBytes(), true);
        via.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(response), from), via.voidPromise());
        // The first valid check binds the session to this socket's loop (no-op once bound).
        pc.bindChannel(via);
        if (paths.onValidCheck(pc, from, msg.useCandidate())) {
            pc.onIcePath(from, msg.useCandidate());
        } else {
            pc.onKeepalive(clock.getAsLong()); // the peer is there; the pair is not in use (IcePaths)
        }
    }

    @Override
    public void close() {
        consentChecks.forEach(PeriodicTask::cancel);
        for (PeerConnection pc : byUfrag.values()) {
            pc.close("server shutting down");
        }
        for (DatagramChannel ch : channels) {
            ch.close().syncUninterruptibly();
        }
    }
}
