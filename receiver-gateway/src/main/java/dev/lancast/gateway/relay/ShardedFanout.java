package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.limits.PeriodicTask;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's fan-out over every media loop of the gateway: one {@link ViewerShard} per loop (per
 * socket of the shared media port). The relay's own loop serves its shard directly; every other
 * shard, from its first viewer on, gets each packet once through its {@link ShardInbox} and sends
 * it to its viewers on its own core. So a packet is authenticated and decrypted once per gateway,
 * copied once per other loop that has viewers, and encrypted once per viewer on the loop that owns
 * the viewer; a loop without viewers of the stream keeps nothing of it.
 */
public final class ShardedFanout implements Fanout, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedFanout.class);
    /** How often each viewer's layer is chosen again. */
    static final long LAYER_EVALUATION_MS = 250;

    private final ViewerShard[] shards;
    /** Per shard: null for the relay's own loop (called directly), else the shard's inbox. */
    private final ShardInbox[] inboxes;

    private final List<PeriodicTask> reportTimers = new ArrayList<>();

    /**
     * @param home     the relay's loop (it receives the stream's multicast)
     * @param channels one socket of the media port per media loop; each shard sends on its loop's
     * @param counters the process's table: each shard and inbox counts in its own cells of the stream's series
     */
    public ShardedFanout(
            String stream,
            EventLoop home,
            List<? extends Channel> channels,
            LongSupplier clock,
            CounterTable counters) {
        this.shards = new ViewerShard[channels.size()];
        this.inboxes = new ShardInbox[channels.size()];
        ViewerShard homeShard = null;
        for (int i = 0; i < shards.length; i++) {
            Channel channel = channels.get(i);
            shards[i] = new ViewerShard(i, channel.eventLoop(), channel, clock, counters, stream);
            if (channel.eventLoop() == home) {
                homeShard = shards[i];
            }
        }
        for (int i = 0; i < shards.length; i++) {
            Channel channel = channels.get(i);
            if (channel.eventLoop() != home) {
                inboxes[i] = new ShardInbox(shards[i], home, homeShard, ShardInbox.SLOTS, counters);
                shards[i].feedThrough(inboxes[i]);
            }
            ViewerShard shard = shards[i];
            reportTimers.add(PeriodicTask.schedule(
                    channel.eventLoop(),
                    "sender reports of stream " + stream + " on loop " + i,
                    LOG,
                    shard::sendReports,
                    1,
                    1,
                    TimeUnit.SECONDS));
            reportTimers.add(PeriodicTask.schedule(
                    channel.eventLoop(),
                    "layer choices of stream " + stream + " on loop " + i,
                    LOG,
                    shard::evaluateLayers,
                    LAYER_EVALUATION_MS,
                    LAYER_EVALUATION_MS,
                    TimeUnit.MILLISECONDS));
        }
    }

    /**
     * The other loops' copies are taken first, the relay's own shard served last: a shard rewrites
     * the packet in place for each of its viewers (sequence number, SSRC, timestamp, payload type),
     * so a copy taken after it would carry its last viewer's numbers instead of the relay's.
     */
    @Override
    public void onMedia(int slot, RtpPacket rtp, long nowNanos) {
        ViewerShard home = null;
        for (int i = 0; i < shards.length; i++) {
            ShardInbox inbox = inboxes[i];
            if (inbox == null) {
                home = shards[i];
            } else {
                inbox.offerMedia(slot, rtp);
            }
        }
        if (home != null) {
            home.onMedia(slot, rtp, nowNanos);
        }
    }

    @Override
    public void onSenderReport(int slot, long ntp, long rtpTimestamp) {
        for (int i = 0; i < shards.length; i++) {
            if (inboxes[i] == null) {
                shards[i].onSenderReport(slot, ntp, rtpTimestamp);
            } else {
                inboxes[i].offerSenderReport(slot, ntp, rtpTimestamp);
            }
        }
    }

    @Override
    public void onUpstreamChanged(int slot) {
        for (int i = 0; i < shards.length; i++) {
            if (inboxes[i] == null) {
                shards[i].onUpstreamChanged(slot);
            } else {
                inboxes[i].offerUpstreamChanged(slot);
            }
        }
    }

    /** Each shard takes the ladder on its own loop (a command, not a ring message: it is rare). */
    @Override
    public void useLadder(LayerLadder ladder) {
        for (ViewerShard s : shards) {
            if (s.loop().inEventLoop()) {
                s.useLadder(ladder);
            } else {
                s.loop().execute(() -> s.useLadder(ladder));
            }
        }
    }

    /**
     * The stream's relay, once, before viewers come: where the shards say which layers their
     * viewers need, and how they ask for a keyframe of a layer (slot).
     */
    void useRelay(LayerDemand demand, IntConsumer keyframeRequest) {
        for (ViewerShard s : shards) {
            s.useRelay(demand, keyframeRequest);
        }
    }

    /** The shard of the loop a viewer's session runs on. */
    ViewerShard shardOf(EventLoop loop) {
        for (ViewerShard s : shards) {
            if (s.loop() == loop) {
                return s;
            }
        }
        throw new IllegalArgumentException("no viewer shard runs on loop " + loop);
    }

    public int shardCount() {
        return shards.length;
    }

    /** Connected viewers on each media loop, in the order of the media port's sockets. */
    public int[] viewersPerShard() {
        int[] out = new int[shards.length];
        for (int i = 0; i < shards.length; i++) {
            out[i] = shards[i].viewerCount();
        }
        return out;
    }

    /** Viewer packets handed to sessions on each media loop (the table's series sums them). */
    public long[] deliveredPerShard() {
        long[] out = new long[shards.length];
        for (int i = 0; i < shards.length; i++) {
            out[i] = shards[i].delivered();
        }
        return out;
    }

    long max(ToLongFunction<ViewerShard> counter) {
        long most = 0;
        for (ViewerShard s : shards) {
            most = Math.max(most, counter.applyAsLong(s));
        }
        return most;
    }

    long sum(ToLongFunction<ViewerShard> counter) {
        long total = 0;
        for (ViewerShard s : shards) {
            total += counter.applyAsLong(s);
        }
        return total;
    }

    /**
     * Viewer packets not sent, by why: the loop's socket queue full ({@code socket_busy_*}, per
     * viewer) or a loop too far behind the relay ({@code loop_behind_*}, per packet and loop).
     */
    public Map<String, Long> dropped() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Track.Kind kind : Track.Kind.values()) {
            out.put("socket_busy_" + kind.label(), sum(s -> s.droppedBusy(kind)));
        }
        for (Track.Kind kind : Track.Kind.values()) {
            out.put("loop_behind_" + kind.label(), inboxRefused(kind));
        }
        return out;
    }

    /** Joiners whose keyframe primer waited for its loop's primer budget, and those that got none (waited too long). */
    public Map<String, Long> primers() {
        return Map.of("paced", sum(ViewerShard::primersPaced), "expired", sum(ViewerShard::primersExpired));
    }

    /** Packets a loop could not take in time (its inbox full), by kind. */
    long inboxRefused(Track.Kind kind) {
        long total = 0;
        for (ShardInbox inbox : inboxes) {
            if (inbox != null) {
                total += inbox.refused(kind);
            }
        }
        return total;
    }

    @Override
    public void close() {
        reportTimers.forEach(PeriodicTask::cancel);
        for (ViewerShard s : shards) {
            s.closeAll("the stream's relay stopped");
            s.closeCounters();
        }
        for (ShardInbox inbox : inboxes) {
            if (inbox != null) {
                inbox.closeCounters();
            }
        }
    }
}
