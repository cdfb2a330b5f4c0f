package dev.lancast.bridge.feedback;

import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.TokenBucket;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.function.LongConsumer;
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
 * the context is kept only once a packet authenticates. Drops are counted by {@link DropReason}.
 * Its counters are written on the media loop only (single-writer counters of the process's table).
 */
public final class FeedbackListener implements AutoCloseable {
    public static final CounterDescriptor ACCEPTED = CounterDescriptor.counter("lancast_bridge_feedback_accepted",
            "gateway feedback datagrams that authenticated").status("feedbackAccepted");
    /** The sum of {@link #DROPPED_BY}'s series. */
    public static final CounterDescriptor DROPPED = CounterDescriptor.counter("lancast_bridge_feedback_dropped",
            "gateway feedback datagrams dropped (any reason)").status("feedbackDropped");
    public static final CounterDescriptor DROPPED_BY = CounterDescriptor.counter("lancast_bridge_feedback_dropped_by",
            "gateway feedback datagrams dropped, by reason (docs/security.md)").status("feedbackDroppedBy")
            .labelled("reason");

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackListener.class);

    private final DatagramChannel channel;
    private final GroupKeyring keys;
    private final java.util.Map<Integer, SrtpReceiver> receivers = new java.util.HashMap<>();
    private final LongConsumer keyframeRequest;
    private final NackHandler nackHandler;
    private final GatewayReports reports = new GatewayReports();
    private final RtcpPacket rtcp = new RtcpPacket();
    private final byte[] scratch = new byte[2048];
    private final SingleWriterCounter[] drops = new SingleWriterCounter[DropReason.values().length];
    /** Gateways (authenticated SSRCs) the bridge keeps per key; more are refused and counted. */
    static final int MAX_GATEWAY_SSRCS = 1024;
    /** First sightings of an SSRC tried per second from one source address, and in total. */
    static final int TRIALS_PER_SOURCE_PER_SECOND = 20;
    static final int TRIALS_PER_SECOND = 400;
    /** Sources with a trial budget at once; idle ones are forgotten after 10 s. */
    static final int MAX_TRIAL_SOURCES = 1024;
    private final java.util.Map<java.net.InetAddress, TrialBudget> trialSources = new java.util.HashMap<>();
    private final TokenBucket trials;
    private final SingleWriterCounter accepted;
    private final LimitSettings limits;
    private final LimitCounters counters;
    /** Budgets of authenticated gateways only, so forged datagrams cannot grow the table. */
    private final java.util.Map<InetSocketAddress, Budget> budgets = new java.util.HashMap<>();
    private final java.util.function.IntConsumer nackedSequence = this::onNackedSequence;
    private Budget current;
    private long currentSsrc;
    private InetSocketAddress currentGateway;

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

    /** Why a feedback datagram was dropped; the metric label. */
    public enum DropReason {
        NOT_LANCAST("not_lancast"), UNKNOWN_KEY("unknown_key"), TRIAL_LIMIT("trial_limit"),
        AUTH_FAILED("auth_failed"), REPLAYED("replayed"), MALFORMED("malformed"), TOO_MANY_SSRCS("too_many_ssrcs");

        private final String label;

        DropReason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One source address's allowance of first sightings; forgotten 10 s after its last use. */
    private static final class TrialBudget {
        final TokenBucket bucket;
        long lastUsedNanos;

        TrialBudget(long now) {
            bucket = new TokenBucket(TRIALS_PER_SOURCE_PER_SECOND, TRIALS_PER_SOURCE_PER_SECOND, now);
            lastUsedNanos = now;
        }
    }

    /** Receives each sequence number a gateway asks for again. */
    @FunctionalInterface
    public interface NackHandler {
        void onNack(long mediaSsrc, int seq, InetSocketAddress gateway, DatagramChannel replyVia);
    }

    /**
     * @param keyframeRequest called with the media SSRC of each PLI/FIR, on the media loop
     * @param nackHandler     called for each NACKed packet, on the media loop
     * @param table           the process's counter table, where the listener's counters go
     */
    public FeedbackListener(EventLoops loops, EventLoop loop, InetSocketAddress bind, GroupKeyring keys,
                            LongConsumer keyframeRequest, NackHandler nackHandler, LimitSettings limits,
                            LimitCounters counters, CounterTable table) {
        this.accepted = table.counter(ACCEPTED);
        for (DropReason reason : DropReason.values()) {
            drops[reason.ordinal()] = table.counter(DROPPED_BY, reason.label());
        }
        table.register(DROPPED, this::dropped);
        this.limits = limits;
        this.counters = counters;
        this.nackHandler = nackHandler;
        this.keys = keys;
        this.keyframeRequest = keyframeRequest;
        this.trials = new TokenBucket(TRIALS_PER_SECOND, TRIALS_PER_SECOND, System.nanoTime());
        this.channel = (DatagramChannel) new Bootstrap()
                .group(loop)
                .channelFactory(loops.datagramChannelFactory())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        onDatagram(packet);
                    }
                })
                .bind(bind).syncUninterruptibly().channel();
        LOG.info("gateway feedback on udp/{}", channel.localAddress());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The receiver for a published key id; receivers of keys no longer published are closed. */
    private SrtpReceiver receiver(int id) {
        GroupKey key = id < 0 ? null : keys.find(id);
        if (key == null) {
            return null;
        }
        SrtpReceiver r = receivers.get(id);
        if (r == null) {
            receivers.keySet().removeIf(old -> {
                boolean stale = keys.find(old) == null;
                if (stale) {
                    receivers.get(old).close();
                }
                return stale;
            });
            r = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), 64, MAX_GATEWAY_SSRCS);
            receivers.put(id, r);
        }
        return r;
    }

    public GatewayReports reports() {
        return reports;
    }

    /** Datagrams dropped for any reason; any thread. */
    public long dropped() {
        long sum = 0;
        for (SingleWriterCounter d : drops) {
            sum += d.get();
        }
        return sum;
    }

    public long dropped(DropReason reason) {
        return drops[reason.ordinal()].get();
    }

    private void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    /**
     * Whether a first sighting of an SSRC from this source may be tried now: within the source's
     * budget and the total one. The table of sources is bounded; when it is full of sources seen
     * in the last 10 s, new sources wait for the total budget's share of a full table (refused).
     */
    private boolean mayTry(java.net.InetAddress source, long now) {
        TrialBudget budget = trialSources.get(source);
        if (budget == null) {
            if (trialSources.size() >= MAX_TRIAL_SOURCES) {
                trialSources.values().removeIf(b -> now - b.lastUsedNanos > java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
                if (trialSources.size() >= MAX_TRIAL_SOURCES) {
                    return false;
                }
            }
            budget = new TrialBudget(now);
            trialSources.put(source, budget);
        }
        budget.lastUsedNanos = now;
        return budget.bucket.tryAcquire(now) && trials.tryAcquire(now);
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
        SrtpReceiver srtcp = receiver(keyId);
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
        long now = System.nanoTime();
        long ssrc = ((long) (scratch[off + 4] & 0xFF) << 24) | ((scratch[off + 5] & 0xFF) << 16)
                | ((scratch[off + 6] & 0xFF) << 8) | (scratch[off + 7] & 0xFF);
        if (!srtcp.knowsRtcp(ssrc) && !mayTry(gateway.getAddress(), now)) {
            drop(DropReason.TRIAL_LIMIT);
            return;
        }
        int n = srtcp.unprotectRtcp(scratch, off, len - off);
        if (n < 0) {
            drop(switch (n) {
                case SrtpReceiver.AUTH_FAIL -> DropReason.AUTH_FAILED;
                case SrtpReceiver.REPLAY -> DropReason.REPLAYED;
                case SrtpReceiver.TOO_MANY_SSRCS -> DropReason.TOO_MANY_SSRCS;
                default -> DropReason.MALFORMED;
            });
            return;
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
                currentSsrc = rtcp.mediaSsrc();
                currentGateway = gateway;
                rtcp.forEachNackedSequence(nackedSequence);
            } else if (rtcp.packetType() == RtcpPacket.RR) {
                for (int i = 0; i < rtcp.reportCount(); i++) {
                    reports.record(gateway, rtcp.reportSsrc(i), rtcp.reportFractionLost(i),
                            rtcp.reportCumulativeLost(i), rtcp.reportJitter(i));
                }
            }
        }
        channel.flush();
    }

    private Budget budgetOf(InetSocketAddress gateway, long now) {
        Budget budget = budgets.get(gateway);
        if (budget == null) {
            budgets.values().removeIf(b -> now - b.lastSeenNanos > java.util.concurrent.TimeUnit.MINUTES.toNanos(1));
            budget = new Budget(limits, now);
            budgets.put(gateway, budget);
        }
        budget.lastSeenNanos = now;
        return budget;
    }

    private void onNackedSequence(int seq) {
        if (current.nack.tryAcquire(System.nanoTime())) {
            nackHandler.onNack(currentSsrc, seq, currentGateway, channel);
        } else {
            counters.refused(Limit.GATEWAY_NACK);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        receivers.values().forEach(SrtpReceiver::close);
    }
}
