package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.protocol.DropReason;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay's way in: multicast or a unicast copy from the bridge ({@link DeliveryPath} decides,
 * this feeds it and carries out what it asks). Told of every datagram that passed the front, and
 * how it came; ticked every 250 ms; its requests (a copy, an end to it, a rejoin) go to the
 * control plane ({@link DeliveryControl}), off the loop. Its counts are the stream's series of the
 * table. The relay's media loop only; {@link #status()} for any thread.
 */
final class RelayDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(RelayDelivery.class);
    /** The bridge counts as up while its published index came this recently (the catalog poll, every second). */
    private static final long BRIDGE_UP_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** Before the groups have carried the stream this long at the end of a fallback, the copy stays. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final long MAX_SETTLE_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** The path as the status shows it: mode, since (wall clock) and why. */
    record Status(String mode, long sinceMillis, String reason, long fallbacks) {}

    private final String stream;
    private final LongSupplier clock;
    private final DeliveryPath path;
    /** Off (multicast.fallbackMs 0): the path never leaves multicast. */
    private final boolean enabled;

    private final DeliveryControl control;
    private final Runnable rejoin;
    /** The last sequence number of each kind the relay has, by kind (-1: none), for the copy's start. */
    private final Supplier<int[]> lastSeqs;

    private final DeliveryPath.Actions actions = new Actions();
    private final SingleWriterCounter unicastMode;
    private final SingleWriterCounter fallbacks;
    private final SingleWriterCounter unicastReceived;
    private long bridgeSeenNanos;
    private volatile Status status;

    /**
     * @param silenceMs how long the groups may be silent, the bridge up, before a copy is asked for (0: never)
     * @param rejoin    leaves and joins the groups again (run by the control plane)
     */
    RelayDelivery(
            String stream,
            long silenceMs,
            DeliveryControl control,
            Runnable rejoin,
            Supplier<int[]> lastSeqs,
            CounterTable counters,
            LongSupplier clock) {
        this.stream = stream;
        this.clock = clock;
        this.enabled = silenceMs > 0;
        this.control = control;
        this.rejoin = rejoin;
        this.lastSeqs = lastSeqs;
        this.unicastMode = counters.counter(RelayCounters.UNICAST, stream);
        this.fallbacks = counters.counter(RelayCounters.FALLBACKS, stream);
        this.unicastReceived = counters.counter(RelayCounters.UNICAST_RECEIVED, stream);
        long now = clock.getAsLong();
        this.bridgeSeenNanos = now - BRIDGE_UP_NANOS;
        this.path = new DeliveryPath(TimeUnit.MILLISECONDS.toNanos(silenceMs), SETTLE_NANOS, MAX_SETTLE_NANOS, now);
        this.status = new Status(DeliveryPath.Mode.MULTICAST.label, System.currentTimeMillis(), null, 0);
    }

    /** The groups were joined just now: silence counts from here. */
    void joined() {
        path.joined(clock.getAsLong());
    }

    /** The bridge's published index came (the bridge is up). */
    void bridgeSeen() {
        bridgeSeenNanos = clock.getAsLong();
    }

    /** Whether a packet's second copy is expected now (both paths, or a copy's tail): counted as a duplicate. */
    boolean twoPaths() {
        return path.twoPaths(clock.getAsLong());
    }

    /** A group datagram went through the front: passed (null), or dropped for why. */
    void fromGroup(DropReason dropped) {
        if (dropped == null) {
            path.onPassed();
            path.onGroupPacket(clock.getAsLong());
        } else if (dropped == DropReason.DUPLICATE) {
            path.onGroupPacket(clock.getAsLong()); // the group carried it too; the unicast copy came first
        }
    }

    /** A unicast datagram from the bridge (a repair or a copy) went through the front. */
    void fromUnicast(DropReason dropped) {
        if (dropped == null) {
            path.onPassed();
            unicastReceived.increment();
        }
    }

    /** Every 250 ms; hasPlan: the catalog named the stream's tracks. */
    void tick(boolean hasPlan) {
        long now = clock.getAsLong();
        DeliveryPath.Mode before = path.mode();
        path.tick(now, enabled && hasPlan && now - bridgeSeenNanos < BRIDGE_UP_NANOS, actions);
        if (path.mode() != before) {
            DeliveryPath.Reason reason = path.reason();
            status = new Status(
                    path.mode().label,
                    System.currentTimeMillis(),
                    reason == null ? null : reason.label,
                    path.fallbacks());
            unicastMode.set(path.mode() == DeliveryPath.Mode.MULTICAST ? 0 : 1);
            fallbacks.set(path.fallbacks());
        }
    }

    Status status() {
        return status;
    }

    /** What the path asks for, handed to the control plane. */
    private final class Actions implements DeliveryPath.Actions {
        @Override
        public void rejoin() {
            path.joined(clock.getAsLong());
            control.run(rejoin);
        }

        @Override
        public void startCopy(DeliveryPath.Reason reason) {
            LOG.warn(
                    "stream {}: its multicast groups are silent while the bridge is up ({}); joining them again and "
                            + "asking the bridge for a unicast copy",
                    stream,
                    reason.label);
            control.startCopy(stream, lastSeqs.get(), reason.label);
        }

        @Override
        public void stopCopy() {
            LOG.info("stream {}: multicast carries the stream again; the unicast copy ends", stream);
            control.stopCopy(stream);
        }
    }

    void close() {
        unicastMode.close();
        fallbacks.close();
        unicastReceived.close();
    }
}
