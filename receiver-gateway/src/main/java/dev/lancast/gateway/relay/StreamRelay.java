package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.protocol.DropReason;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One stream at the gateway, as the rest of the process sees it: the door to its media loop (its
 * methods post one named command each to the {@link RelayLoop} there) and its status. Viewers see
 * one SSRC, sequence space and timeline per track from this relay, whatever happens upstream: when
 * the bridge's stream changes (a restarted bridge: new SSRCs, new numbers) the relay continues its
 * own numbering and starts its loss detection, statistics and keyframe caches again, and the
 * viewers' sessions play on. The group memberships are the catalog thread's
 * ({@link GroupMembership}); the viewers are the fan-out's ({@link ShardedFanout}).
 */
public final class StreamRelay implements AutoCloseable {
    private final String name;
    private final EventLoop loop;
    private final RelayLoop media;
    private final GroupMembership membership;
    private final ShardedFanout fanout;
    /** Which layers the viewers need, per shard; the membership joins their groups. */
    private final LayerDemand demand;

    private final ScheduledFuture<?> lingerCheck;
    /** The media loop's time: the relay's stages and timers, and its viewers' budgets. */
    private final LongSupplier clock;
    /** The viewers' SSRC of each track slot: the first entry's, for the relay's life; -1 before. */
    private final long[] viewerSsrcs = new long[Track.SLOTS];
    /** The catalog entry as the control plane reads it (WHEP, status); never read per packet. */
    private volatile StreamCatalog.Stream entry;
    /** The key ids handed to the loop, for any thread to read (a new array per change). */
    private volatile boolean[] keyIds = new boolean[256];
    /** The bridge's secret that the catalog's viewer-token MACs are made with; null until keys come. */
    private volatile byte[] viewerTokenSecret;

    /**
     * @param repairs     where the bridge's unicast datagrams find this stream, by its SSRCs (the loop's); null for none
     * @param layerGroups the gateway's thread for joining and leaving layers' groups as viewers need them;
     *                    null where nothing is joined (the benchmark feeds datagrams itself)
     * @param control     the requests to the bridge for a unicast copy when multicast does not arrive, and rejoins
     * @param silenceMs   how long the groups may be silent, the bridge up, before a copy is asked for
     * @param clock       the media loop's time, in nanoseconds (stages and timers take it as nowNanos)
     * @param counters    the process's table, where this stream's series go (closed with the relay)
     */
    public StreamRelay(
            String name,
            EventLoops loops,
            EventLoop loop,
            NetworkInterface iface,
            ShardedFanout fanout,
            FeedbackSender feedbackSender,
            RepairRouter repairs,
            ScheduledExecutorService layerGroups,
            DeliveryControl control,
            long silenceMs,
            CounterTable counters,
            LongSupplier clock) {
        this.name = name;
        this.loop = loop;
        this.fanout = fanout;
        this.clock = clock;
        Arrays.fill(viewerSsrcs, -1);
        this.media =
                new RelayLoop(this, name, loop, fanout, feedbackSender, repairs, control, silenceMs, counters, clock);
        this.membership = new GroupMembership(
                name,
                loops,
                loop,
                iface,
                media::onGroupDatagram,
                this::layersNeeded,
                slot -> loop.execute(() -> fanout.onUpstreamChanged(slot)),
                clock);
        this.demand = new LayerDemand(fanout.shardCount(), () -> {
            if (layerGroups != null) {
                layerGroups.execute(membership::reconsider);
            }
        });
        fanout.useRelay(demand, this::requestKeyframe);
        this.lingerCheck = layerGroups == null
                ? null
                : layerGroups.scheduleWithFixedDelay(membership::reconsider, 1, 1, TimeUnit.SECONDS);
    }

    private int layersNeeded() {
        return demand == null ? 0 : demand.needed();
    }

    public String name() {
        return name;
    }

    /** The media loop's time, in nanoseconds. */
    public LongSupplier clock() {
        return clock;
    }

    public StreamCatalog.Stream entry() {
        return entry;
    }

    /**
     * Applies a catalog entry: its plan to the loop, and joins of the groups it names (again, if
     * they moved). The catalog thread's, never the media loop's: joining waits for the socket.
     */
    public void update(StreamCatalog.Stream next) {
        RelayPlan plan = take(next);
        if (plan != null) {
            loop.execute(() -> media.usePlan(plan));
        }
        if (membership.follow(next)) {
            loop.execute(media::joined); // silence on the groups counts from the join
        }
    }

    /**
     * Takes a catalog entry without joining its groups, for a caller that feeds
     * {@link #onDatagram} itself on the media loop: the JMH fan-out benchmark (bench/jmh).
     */
    void useEntryWithoutJoining(StreamCatalog.Stream next) {
        RelayPlan plan = take(next);
        if (plan != null) {
            media.usePlan(plan);
        }
    }

    /** The entry for the control plane at once; its compiled plan, or null when nothing changed. */
    private synchronized RelayPlan take(StreamCatalog.Stream next) {
        if (next.equals(entry)) {
            return null; // the catalog is read every second; most reads change nothing
        }
        RelayPlan plan = RelayPlan.of(next);
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            if (viewerSsrcs[slot] < 0 && plan.track(slot) != null) {
                viewerSsrcs[slot] = plan.track(slot).ssrc();
            }
        }
        entry = next;
        return plan;
    }

    /** Takes this stream's keys (another stream's key opens nothing here) and the published indexes. */
    public void updateKeys(GroupKeys keys) {
        viewerTokenSecret = keys.viewerTokenSecret();
        List<GroupKey> mine = keys.keys().stream()
                .filter(k -> name.equals(k.stream()))
                .map(k -> GroupKey.fromHex(k.id(), k.material()))
                .toList();
        boolean[] ids = new boolean[256];
        mine.forEach(k -> ids[k.id()] = true);
        List<GroupKeys.StreamIndex> published = keys.indexes();
        loop.execute(() -> media.useKeys(mine, published));
        keyIds = ids;
    }

    /** The bridge's latest packet index of each track. */
    public void updateIndexes(List<GroupKeys.StreamIndex> published) {
        loop.execute(() -> media.advanceIndexes(published));
    }

    /**
     * Asks the bridge for a keyframe of a video layer (by its slot: a new viewer, a viewer's PLI or
     * FIR, a switch); at most 5 per second per layer. Any thread.
     */
    public void requestKeyframe(int slot) {
        loop.execute(() -> media.askForKeyframe(slot));
    }

    /** A keyframe of the first video layer (a single-layer stream's only one). */
    public void requestKeyframe() {
        requestKeyframe(0);
    }

    /** The slots whose groups this gateway has joined now (bits). Any thread. */
    public int joinedSlots() {
        return membership.joinedMask();
    }

    /**
     * One video layer a viewer can be given, as the WHEP layer API and the viewer page show it.
     *
     * @param encodingId the publisher's RID of the layer, or its number when it has none
     * @param cached     packets of the layer's group of pictures a switch to it could replay now (on
     *                   the media loop that has most), 0 when a switch would wait for a keyframe
     */
    public record LayerInfo(
            int layer,
            String encodingId,
            int width,
            int height,
            long bitrate,
            int temporalLayers,
            boolean joined,
            int viewers,
            int cached) {}

    /** The stream's active video layers, lowest first, with this gateway's membership and viewers of each. Any thread. */
    public List<LayerInfo> layers() {
        StreamCatalog.Stream e = entry;
        if (e == null) {
            return List.of();
        }
        int joined = membership.joinedMask();
        List<LayerInfo> out = new ArrayList<>();
        for (LayerLadder.Layer l : LayerLadder.of(e).layers()) {
            int slot = l.slot();
            out.add(new LayerInfo(
                    Track.layerOfSlot(slot),
                    l.rid() != null ? l.rid() : String.valueOf(Track.layerOfSlot(slot)),
                    l.width(),
                    l.height(),
                    l.bitrate(),
                    l.temporalLayers(),
                    (joined & (1 << slot)) != 0,
                    (int) fanout.sum(shard -> shard.viewersOn(slot)),
                    (int) fanout.max(shard -> shard.replayable(slot))));
        }
        return out;
    }

    /** Viewer switches between layers made from the caches, and at a live keyframe (summed over loops). Any thread. */
    public long[] layerSwitches() {
        return new long[] {fanout.sum(ViewerShard::switchesFromCache), fanout.sum(ViewerShard::switchesAtKeyframe)};
    }

    /** A datagram of this stream's groups. Media loop only. */
    public void onDatagram(byte[] buf, int off, int len, InetSocketAddress sender) {
        media.onGroupDatagram(buf, off, len, sender);
    }

    /** A datagram the bridge sent this gateway by unicast (a repair, or a copy). Media loop only. */
    void onUnicastDatagram(byte[] buf, int off, int len, InetSocketAddress sender) {
        media.onUnicastDatagram(buf, off, len, sender);
    }

    /** Leaves and joins the stream's groups again (a switch may have lost the membership). Control plane. */
    void rejoin() {
        StreamCatalog.Stream e = entry;
        if (e != null) {
            membership.rejoin();
        }
    }

    /** Multicast, unicast or returning; since when and why. */
    public Map<String, Object> delivery() {
        RelayDelivery.Status d = media.delivery();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", d.mode());
        out.put("since", Instant.ofEpochMilli(d.sinceMillis()).toString());
        out.put("reason", d.reason());
        out.put("fallbacks", d.fallbacks());
        return out;
    }

    // --- Status, for any thread. ---

    /** Viewers whose sessions are connected, on every media loop. */
    public int viewerCount() {
        return (int) fanout.sum(ViewerShard::viewerCount);
    }

    /** The fan-out of this stream over the media loops (viewers per loop, for status and tests). */
    public ShardedFanout fanout() {
        return fanout;
    }

    /** The shard that serves viewers whose sessions run on this media loop. */
    ViewerShard shardOf(EventLoop viewerLoop) {
        return fanout.shardOf(viewerLoop);
    }

    /** Whether this gateway holds the key the bridge uses now (without it, nothing can be served). */
    public boolean hasCurrentKey() {
        StreamCatalog.Stream e = entry;
        return e != null && keyIds[e.keyId() & 0xFF];
    }

    public byte[] viewerTokenSecret() {
        return viewerTokenSecret;
    }

    /** Authenticated multicast packets of this stream. */
    public long received() {
        return media.front().received();
    }

    /** Multicast datagrams of this stream dropped, for any reason. */
    public long dropped() {
        return media.front().dropped();
    }

    /** This stream's drops of one reason (the table's series sums the streams). */
    public long dropped(DropReason reason) {
        return media.front().dropped(reason);
    }

    /** The SSRC viewers get for a track: the catalog's first, for the relay's life. */
    public long viewerSsrc(Track.Kind kind) {
        StreamCatalog.Stream e = entry; // read first: it publishes the SSRCs taken with it
        long ssrc = viewerSsrcs[Track.slotOf(kind, 0)];
        return ssrc >= 0 ? ssrc : e.track(kind.label()).ssrc();
    }

    /** The highest packet index authenticated or published for the track's SSRC, or -1. For tests and status. */
    public long packetIndex(Track.Kind kind) {
        return media.packetIndex(Track.slotOf(kind, 0));
    }

    /** The same for a track slot (a video layer). */
    public long packetIndex(int slot) {
        return media.packetIndex(slot);
    }

    // The fan-out's counts of this stream, summed over the media loops' cells (the table has them too).
    public long keyframesToJoiners() {
        return fanout.sum(ViewerShard::keyframesToJoiners);
    }

    public long viewerNacks() {
        return fanout.sum(ViewerShard::viewerNacks);
    }

    public long viewerRetransmissions() {
        return fanout.sum(ViewerShard::viewerRetransmissions);
    }

    /** Runs of this stream's periodic tasks that threw (each is logged, and the task goes on). */
    public long taskFailures() {
        return media.taskFailures();
    }

    @Override
    public void close() {
        if (lingerCheck != null) {
            lingerCheck.cancel(false);
        }
        membership.close();
        fanout.close();
        media.close();
    }
}
