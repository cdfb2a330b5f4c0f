package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.limits.PeriodicTask;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's fan-out over every media loop of the gateway: one {@link ViewerShard} per loop (per
 * socket of the shared media port). The relay's own loop serves its shard directly; every other
 * shard gets each packet once through its {@link ShardInbox} and sends it to its viewers on its own
 * core. So a packet is authenticated and decrypted once per gateway, copied once per other loop,
 * and encrypted once per viewer on the loop that owns the viewer.
 */
public final class ShardedFanout implements Fanout, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedFanout.class);

    private final ViewerShard[] shards;
    /** Per shard: null for the relay's own loop (called directly), else the shard's inbox. */
    private final ShardInbox[] inboxes;
    private final List<PeriodicTask> reportTimers = new ArrayList<>();

    /**
     * @param home     the relay's loop (it receives the stream's multicast)
     * @param channels one socket of the media port per media loop; each shard sends on its loop's
     * @param counters the process's table: each shard and inbox counts in its own cells of the stream's series
     */
    public ShardedFanout(String stream, EventLoop home, List<DatagramChannel> channels, LongSupplier clock,
                         CounterTable counters) {
        this.shards = new ViewerShard[channels.size()];
        this.inboxes = new ShardInbox[channels.size()];
        for (int i = 0; i < shards.length; i++) {
            DatagramChannel channel = channels.get(i);
            shards[i] = new ViewerShard(channel.eventLoop(), channel, clock, counters, stream);
            inboxes[i] = channel.eventLoop() == home ? null : new ShardInbox(shards[i], ShardInbox.SLOTS, counters);
            ViewerShard shard = shards[i];
            reportTimers.add(PeriodicTask.schedule(channel.eventLoop(), "sender reports of stream " + stream
                    + " on loop " + i, LOG, shard::sendReports, 1, 1, TimeUnit.SECONDS));
        }
    }

    @Override
    public void onMedia(Track.Kind kind, RtpPacket rtp, long nowNanos) {
        for (int i = 0; i < shards.length; i++) {
            ShardInbox inbox = inboxes[i];
            if (inbox == null) {
                shards[i].onMedia(kind, rtp, nowNanos);
            } else {
                inbox.offerMedia(kind, rtp);
            }
        }
    }

    @Override
    public void onSenderReport(Track.Kind kind, long ntp, long rtpTimestamp) {
        for (int i = 0; i < shards.length; i++) {
            if (inboxes[i] == null) {
                shards[i].onSenderReport(kind, ntp, rtpTimestamp);
            } else {
                inboxes[i].offerSenderReport(kind, ntp, rtpTimestamp);
            }
        }
    }

    @Override
    public void onUpstreamChanged(Track.Kind kind) {
        for (int i = 0; i < shards.length; i++) {
            if (inboxes[i] == null) {
                shards[i].onUpstreamChanged(kind);
            } else {
                inboxes[i].offerUpstreamChanged(kind);
            }
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
