package dev.lancast.bridge.feedback;

import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.limits.ClientKeys;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.SourceBudgets;
import dev.lancast.rtc.limits.TokenBucket;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.rtc.protocol.KeyTable;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the gateways' unicast feedback (RFC 5760 in spirit): SRTCP under the group key in the
 * lancast datagram format. A PLI or FIR names the multicast video SSRC of the stream that needs a
 * keyframe. Anything that does not authenticate is dropped and counted. Each gateway (by source
 * address and port) gets its own budget of keyframe requests and NACKed packets per second, so
 * one misbehaving gateway cannot make the bridge flood the others or the broadcaster.
 *
 * <p>Nothing unauthenticated costs state: a gateway's RTCP SSRC is random, so the bridge cannot
 * name the SSRCs it expects; instead the first sighting of an SSRC (which derives a crypto
 * context, about 100 µs) is rate-limited per source address and in total before any crypto, and
 * the context is kept only once a packet authenticates. A gateway's SSRC that authenticated from
 * an address is remembered across key rotations (with a small budget of its own), so a flood that
 * keeps the first-sighting budget busy does not cut the known gateways off at the next rotation.
 * Drops are counted by {@link DropReason}.
 *
 * <p>It runs on an event loop of its own, not the media loop: a flood of the public feedback port
 * (junk, replays, trials) costs that loop, never the broadcaster's path to the groups. Its handlers
 * are called on it; what they do to a stream goes to the media loop. Its counters are written on
 * its loop only (single-writer counters of the process's table).
 */
public final class FeedbackListener implements AutoCloseable {
    public static final CounterDescriptor ACCEPTED = CounterDescriptor.counter(
                    "lancast_bridge_feedback_accepted", "gateway feedback datagrams that authenticated")
            .status("feedbackAccepted");
    /** The sum of {@link #DROPPED_BY}'s series. */
    public static final CounterDescriptor DROPPED = CounterDescriptor.counter(
                    "lancast_bridge_feedback_dropped", "gateway feedback datagrams dropped (any reason)")
            .status("feedbackDropped");

    public static final CounterDescriptor DROPPED_BY = CounterDescriptor.counter(
                    "lancast_bridge_feedback_dropped_by",
                    "gateway feedback datagrams dropped, by reason (docs/security.md)")
            .status("feedbackDroppedBy")
            .labelled("reason");

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackListener.class);

    private final DatagramChannel channel;
    private final KeyTable<SrtpReceiver> keys = new KeyTable<>(
            key -> new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), 64, MAX_GATEWAY_SSRCS));
    private final LongConsumer keyframeRequest;
    private final NackHandler nackHandler;
    private final GatewayReports reports = new GatewayReports();
    private final RtcpPacket rtcp = new RtcpPacket();
    private final byte[] scratch = new byte[2048];
    /** By {@link DropReason} ordinal (null for reasons feedback never has). */
    private final SingleWriterCounter[] drops = new SingleWriterCounter[DropReason.values().length];
    /** Gateways (authenticated SSRCs) the bridge keeps per key; more are refused and counted. */
    static final int MAX_GATEWAY_SSRCS = 1024;
    /** First sightings of an SSRC tried per second from one source address, and in total. */
    static final int TRIALS_PER_SOURCE_PER_SECOND = 20;

    static final int TRIALS_PER_SECOND = 400;
    /** Sources (an IPv4 /24, an IPv6 /64) with a trial budget at once; a new one takes the least recent one's place. */
    static final int MAX_TRIAL_SOURCES = 1024;

    private final SourceBudgets trialSources =
            new SourceBudgets(MAX_TRIAL_SOURCES, TRIALS_PER_SOURCE_PER_SECOND, TRIALS_PER_SOURCE_PER_SECOND);
    /** First sightings per second of an SSRC known from an earlier key, from the address it came from. */
    static final int KNOWN_TRIALS_PER_SECOND = 2;
    /**
     * SSRCs that authenticated, with the address they came from, across key rotations; the oldest
     * go first past {@link #MAX_GATEWAY_SSRCS}. Consulted only on a first sighting under a key.
     */
    private final Map<Long, KnownGateway> known = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, KnownGateway> eldest) {
            return size() > MAX_GATEWAY_SSRCS;
        }
    };

    private final TokenBucket trials;
    private final LongSupplier clock;
    private final SingleWriterCounter accepted;
    private final LimitSettings limits;
    private final LimitCounters counters;
    /** Budgets of authenticated gateways only, so forged datagrams cannot grow the table. */
    private final Map<InetSocketAddress, Budget> budgets = new HashMap<>();

    private final IntConsumer nackedSequence = this::onNackedSequence;
    /** The sequence numbers of the NACK being read that its gateway's budget allows. */
    private final int[] nacked = new int[MAX_NACKED_PER_DATAGRAM];

    private int nackedCount;
    private Budget current;

    /** One gateway's feedback allowance; created when it is first seen, forgotten a minute after it is last seen. */
    private static final class Budget {
        final TokenBucket pli;
        final TokenBucket nack;
        long lastSeenNanos;

        Budget(LimitSettings limits, long now) {
            pli = new TokenBucket(limits.pliPerSecond(), limits.pliPerSecond(), now);
            nack = new TokenBucket(limits.nackPerSecond(), limits.nackPerSecond(), now);
            lastSeenNanos = now;
        }
    }

    /** A gateway SSRC that authenticated from address: its first sightings under later keys skip the shared budget. */
    private record KnownGateway(InetAddress address, TokenBucket trials) {}

    /** Receives each sequence number a gateway asks for again. */
    @FunctionalInterface
    public interface NackHandler {
        /** The first count of seqs (valid during the call only) of the group stream mediaSsrc. */
        void onNack(long mediaSsrc, int[] seqs, int count, InetSocketAddress gateway, DatagramChannel replyVia);
    }

    /** A NACK datagram's packets asked for at most (more are dropped): a gateway's NACK carries a burst's worth. */
    static final int MAX_NACKED_PER_DATAGRAM = 512;

    /**
     * @param loop            the listener's own loop (its socket, its handlers)
     * @param keyframeRequest called with the media SSRC of each PLI/FIR, on the listener's loop
     * @param nackHandler     called for each NACKed packet, on the listener's loop
     * @param table           the process's counter table, where the listener's counters go
     * @param clock           the listener's time, in nanoseconds (budgets)
     */
    public FeedbackListener(
            EventLoops loops,
            EventLoop loop,
            InetSocketAddress bind,
            LongConsumer keyframeRequest,
            NackHandler nackHandler,
            LimitSettings limits,
            LimitCounters counters,
            CounterTable table,
            LongSupplier clock) {
        this.clock = clock;
        this.accepted = table.counter(ACCEPTED);
        for (DropReason reason : DropReason.FEEDBACK) {
            drops[reason.ordinal()] = table.counter(DROPPED_BY, reason.label());
        }
        table.register(DROPPED, this::dropped);
        this.limits = limits;
        this.counters = counters;
        this.nackHandler = nackHandler;
        this.keyframeRequest = keyframeRequest;
        this.trials = new TokenBucket(TRIALS_PER_SECOND, TRIALS_PER_SECOND, clock.getAsLong());
        this.channel = (DatagramChannel) new Bootstrap()
                .group(loop)
                .channelFactory(loops.datagramChannelFactory())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        onDatagram(packet);
                    }
                })
                .bind(bind)
                .syncUninterruptibly()
                .channel();
        LOG.info("gateway feedback on udp/{}", channel.localAddress());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * The feedback keys gateways may use from now on (previous, current, next): receivers for new
     * ids, a new one where an id names new material, the others closed. Any thread; applied on the
     * listener's loop (done when the returned future is).
     */
    public Future<?> useKeys(Collection<GroupKey> published) {
        List<GroupKey> copy = List.copyOf(published);
        return channel.eventLoop().submit(() -> keys.use(copy));
    }

    public GatewayReports reports() {
        return reports;
    }

    /** Datagrams dropped for any reason; any thread. */
    public long dropped() {
        long sum = 0;
        for (DropReason reason : DropReason.FEEDBACK) {
            sum += drops[reason.ordinal()].get();
        }
        return sum;
    }

    public long dropped(DropReason reason) {
        SingleWriterCounter c = drops[reason.ordinal()];
        return c == null ? 0 : c.get();
    }

    private void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    /**
     * Whether a first sighting of an SSRC from this source may be tried now: an SSRC that
     * authenticated from this address before (a known gateway, at a key rotation) within its own
     * small budget; any other within its source network's budget (security review N6: a full table
     * evicts, it never locks new sources out) and the total one.
     */
    private boolean mayTry(long ssrc, InetAddress source, long now) {
        KnownGateway gateway = known.get(ssrc);
        if (gateway != null && gateway.address().equals(source)) {
            return gateway.trials().tryAcquire(now);
        }
        return trialSources.tryAcquire(ClientKeys.networkKey(source), now) && trials.tryAcquire(now);
    }

    private void onDatagram(DatagramPacket packet) {
        ByteBuf content = packet.content();
        int len = content.readableBytes();
        if (len > scratch.length) {
            drop(DropReason.MALFORMED);
            return;
        }
        content.getBytes(content.readerIndex(), scratch, 0, len);
        int keyId = GroupWireFormat.keyId(scratch, 0, len);
        if (keyId < 0) {
            drop(DropReason.NOT_LANCAST);
            return;
        }
        SrtpReceiver srtcp = keys.get(keyId);
        if (srtcp == null) {
            drop(DropReason.UNKNOWN_KEY);
            return;
        }
        int off = GroupWireFormat.HEADER_LENGTH;
        if (len < off + 8) {
            drop(DropReason.MALFORMED);
            return;
        }
        InetSocketAddress gateway = packet.sender();
        long now = clock.getAsLong();
        long ssrc = RtpPacket.ssrcOf(scratch, off, len - off);
        boolean firstSighting = !srtcp.knowsRtcp(ssrc);
        if (firstSighting && !mayTry(ssrc, gateway.getAddress(), now)) {
            drop(DropReason.TRIAL_LIMIT);
            return;
        }
        int n = srtcp.unprotectRtcp(scratch, off, len - off);
        if (n < 0) {
            drop(DropReason.ofSrtp(n));
            return;
        }
        if (firstSighting && !known.containsKey(ssrc)) {
            known.put(
                    ssrc,
                    new KnownGateway(
                            gateway.getAddress(),
                            new TokenBucket(KNOWN_TRIALS_PER_SECOND, KNOWN_TRIALS_PER_SECOND, now)));
        }
        if (!rtcp.wrap(scratch, off, n)) {
            drop(DropReason.MALFORMED);
            return;
        }
        accepted.increment();
        Budget budget = budgetOf(gateway, now);
        while (rtcp.next()) {
            if (rtcp.isPli() || rtcp.isFir()) {
                if (budget.pli.tryAcquire(now)) {
                    keyframeRequest.accept(rtcp.keyframeSsrc());
                } else {
                    counters.refused(Limit.GATEWAY_PLI);
                }
            } else if (rtcp.isNack()) {
                current = budget;
                nackedCount = 0;
                rtcp.forEachNackedSequence(nackedSequence);
                if (nackedCount > 0) {
                    nackHandler.onNack(rtcp.mediaSsrc(), nacked, nackedCount, gateway, channel);
                }
            } else if (rtcp.packetType() == RtcpPacket.RR) {
                for (int i = 0; i < rtcp.reportCount(); i++) {
                    reports.record(
                            gateway,
                            rtcp.reportSsrc(i),
                            rtcp.reportFractionLost(i),
                            rtcp.reportCumulativeLost(i),
                            rtcp.reportJitter(i));
                }
            }
        }
        channel.flush();
    }

    private Budget budgetOf(InetSocketAddress gateway, long now) {
        Budget budget = budgets.get(gateway);
        if (budget == null) {
            budgets.values().removeIf(b -> now - b.lastSeenNanos > TimeUnit.MINUTES.toNanos(1));
            budget = new Budget(limits, now);
            budgets.put(gateway, budget);
        }
        budget.lastSeenNanos = now;
        return budget;
    }

    private void onNackedSequence(int seq) {
        if (nackedCount < nacked.length && current.nack.tryAcquire(clock.getAsLong())) {
            nacked[nackedCount++] = seq;
        } else {
            counters.refused(Limit.GATEWAY_NACK);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        channel.eventLoop().execute(keys::close);
    }
}
