package dev.lancast.gateway.relay;

import dev.lancast.bench.jmh.LoopSinkChannel;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.SrtpKeys;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.peer.KeyedPeers;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.srtp.SrtpCryptoPath;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpSender;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark-only (bench/jmh, in the relay's package to reach its package-private seam): the
 * gateway's fan-out of one stream on {@code loops} real media loops, each a thread of its own, as
 * {@code media.threads} runs them. Where {@link FanOutHarness} drives every loop on the calling
 * thread, here:
 * <ul>
 *   <li>the loops are a {@link EventLoops} group (epoll where available, as the gateway's), named
 *       {@code bench-media-N}, owned and stopped by this harness;</li>
 *   <li>each loop has a socketless {@link LoopSinkChannel} (the media port's socket of that loop in
 *       the gateway) and its viewers, spread round robin, keyed and joined on their loop;</li>
 *   <li>the relay runs on loop 0, as the gateway's does: it authenticates and decrypts each
 *       multicast packet once, serves loop 0's shard by a call and hands the packet to every other
 *       loop's {@link ShardInbox}, whose loop is woken and serves its viewers in parallel;</li>
 *   <li>the calling thread (the feeder) stands for the bridge and the multicast socket:
 *       {@link #feed()} protects the next group datagram under the group key (the bridge's one
 *       SRTP encryption per packet, about a microsecond) into one of {@value #WINDOW} slots and
 *       queues it on loop 0, keeping at most {@value #WINDOW} in flight (fed, not yet sent to
 *       every viewer of every loop), so a slot is free again when it is reused and the inboxes'
 *       {@value ShardInbox#SLOTS} slots never refuse video; when the window is full it parks until
 *       the slowest loop is half a window behind, and the loop that gets there unparks it. So the
 *       feeder mostly sleeps.</li>
 * </ul>
 * The stream and viewers are {@link FanOutHarness}'s (1200-byte VP8 under one group key, its
 * numbers wrapping and its rollover counter going on, as a bridge's do; a viewer key each,
 * AEAD_AES_128_GCM). Made as it goes, the stream never runs out, whatever the iterations' length
 * (and the bridge's work is the feeder's, off the loops). Time is real: the relay's and the shards' timers
 * run as in the gateway (the 5 ms repair check, the sender reports); the relay's feedback sender is
 * bound to loopback and never gets a key, so it sends nothing. After the benchmark the caller checks
 * {@link #checkNothingDropped()} and, at the end, {@link #verifyAllDelivered()}.
 */
public final class ThreadedFanOutHarness implements AutoCloseable {
    /** Multicast packets in flight at most: far below the inboxes' limit for video (3/4 of 512 slots). */
    public static final int WINDOW = 64;
    /** Without progress for this long the feeder gives up (a dead loop, a lost packet): a failure, not a hang. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final int viewerCount;
    private final EventLoops media;
    private final LoopSinkChannel[] channels;
    private final int[] viewersOn;
    private final Thread[] loopThreads;
    private final EventLoop home;
    private final FeedbackSender feedback;
    private final StreamRelay relay;
    private final List<PeerConnection> peers = new ArrayList<>();
    private final GroupKey key;
    private final InetSocketAddress bridge;
    /** The datagrams in flight, by count modulo the window: the feeder writes a slot, loop 0 reads it. */
    private final byte[][] slots = new byte[WINDOW][2048];

    private final int[] lengths = new int[WINDOW];

    // Loop 0 only: the multicast socket's side.
    private final byte[] receiveBuffer = new byte[2048];
    private final Runnable relayNext = this::relayNext;
    private long relayed;

    // The feeder's side (one thread at a time): the bridge's sender.
    private final SrtpSender bridgeSide;
    private final byte[] payload;
    private long timestamp;
    private long fed;
    /** The packet count every loop must reach before the parked feeder is woken; MAX when it is not waiting. */
    private volatile long wakeAt = Long.MAX_VALUE;

    private volatile Thread feeder;

    /** {@code viewers} connected viewers spread over {@code loops} media loops, ready for {@link #feed()}. */
    public ThreadedFanOutHarness(int viewers, int loops) {
        if (loops < 1 || viewers < loops) {
            throw new IllegalArgumentException(
                    "need 1 loop or more and a viewer per loop: " + viewers + " viewers, " + loops + " loops");
        }
        this.viewerCount = viewers;
        SplittableRandom random = new SplittableRandom(11);
        SrtpCryptoPath.pinOpenSslIfAvailable(); // as the lancast command does at start
        byte[] groupKey = new byte[GroupKey.KEY_LENGTH];
        byte[] groupSalt = new byte[GroupKey.SALT_LENGTH];
        random.nextBytes(groupKey);
        random.nextBytes(groupSalt);
        key = new GroupKey(FanOutHarness.KEY_ID, groupKey, groupSalt);
        bridgeSide = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt());
        payload = new byte[FanOutHarness.PACKET_SIZE - 12];
        random.nextBytes(payload);
        try {
            bridge = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 1}), 5004);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }

        media = new EventLoops("bench-media", loops);
        channels = new LoopSinkChannel[loops];
        viewersOn = new int[loops];
        loopThreads = new Thread[loops];
        int i = 0;
        for (EventExecutor executor : media.group()) {
            EventLoop loop = (EventLoop) executor;
            viewersOn[i] = viewers / loops + (i < viewers % loops ? 1 : 0);
            int perLoop = viewersOn[i];
            channels[i] = new LoopSinkChannel(written -> onFlush(written, perLoop));
            loop.register(channels[i]).syncUninterruptibly();
            loopThreads[i] =
                    loop.submit(Thread::currentThread).syncUninterruptibly().getNow();
            i++;
        }
        home = channels[0].eventLoop();

        // Bound to loopback, never keyed: its sends (the 5 s receiver report, keyframe requests) end before the socket.
        CounterTable table = new CounterTable();
        feedback = new FeedbackSender(
                media, home, InetAddress.getLoopbackAddress(), new SecureRandom(), (buf, off, len, from) -> {}, table);
        relay = new StreamRelay(
                FanOutHarness.STREAM,
                media,
                home,
                null,
                new ShardedFanout(FanOutHarness.STREAM, home, List.of(channels), System::nanoTime, table),
                feedback,
                null,
                null,
                DeliveryControl.NONE,
                0,
                table,
                System::nanoTime);
        relay.updateKeys(FanOutHarness.keysOf(key));
        DtlsCertificate certificate = DtlsCertificate.generate();
        LimitCounters counters = new LimitCounters(List.of(Limit.VIEWER_PLI, Limit.VIEWER_NACK));
        List<SrtpKeys> srtp = new ArrayList<>();
        for (int v = 0; v < viewers; v++) {
            byte[] key = new byte[16];
            byte[] salt = new byte[12];
            random.nextBytes(key);
            random.nextBytes(salt);
            srtp.add(new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, key, salt, key.clone(), salt.clone()));
        }
        // Each viewer connects on its own loop, as a session bound by its ICE check does: its shard is that loop's.
        for (int l = 0; l < loops; l++) {
            LoopSinkChannel channel = channels[l];
            int loop = l;
            List<PeerConnection> made = channel.eventLoop()
                    .submit(() -> {
                        List<PeerConnection> out = new ArrayList<>();
                        for (int v = loop; v < viewers; v += loops) {
                            ViewerSession viewer = new ViewerSession(
                                    "viewer-" + v,
                                    relay,
                                    FanOutHarness.VIEWER_VIDEO_PT,
                                    FanOutHarness.VIEWER_AUDIO_PT,
                                    LimitSettings.defaults(),
                                    counters);
                            InetSocketAddress remote =
                                    new InetSocketAddress(FanOutHarness.viewerAddress(v), 40000 + v % 20000);
                            PeerConnection pc = KeyedPeers.connected(
                                    viewer.id(), channel, certificate, srtp.get(v), remote, viewer);
                            viewer.bind(pc);
                            out.add(pc);
                        }
                        return out;
                    })
                    .syncUninterruptibly()
                    .getNow();
            peers.addAll(made);
        }
        // The keys and the joins' keyframe requests are done on loop 0 before the entry (nothing asked of the bridge).
        home.submit(() -> {}).syncUninterruptibly();
        relay.useEntryWithoutJoining(new StreamCatalog.Stream(
                FanOutHarness.STREAM,
                true,
                FanOutHarness.KEY_ID,
                "127.0.0.1:9",
                List.of(
                        new StreamCatalog.Track(
                                "video",
                                "VP8",
                                FanOutHarness.GROUP_PT,
                                90000,
                                0,
                                null,
                                FanOutHarness.VIDEO_SSRC,
                                "239.255.0.1",
                                5004,
                                null),
                        new StreamCatalog.Track(
                                "audio",
                                "opus",
                                111,
                                48000,
                                2,
                                null,
                                FanOutHarness.AUDIO_SSRC,
                                "239.255.0.1",
                                5006,
                                null)),
                null));
        home.submit(() -> {}).syncUninterruptibly();
        if (relay.viewerCount() != viewers || !relay.hasCurrentKey()) {
            throw new IllegalStateException(
                    "relay not ready: " + relay.viewerCount() + " viewers, key " + relay.hasCurrentKey());
        }
        // Sessions in their steady state (jitsi-srtp makes each SSRC's context on its first packet).
        feed();
        verifyAllDelivered();
    }

    /**
     * Feeder: the next multicast datagram made and queued on loop 0; parks first while
     * {@value #WINDOW} are in flight, until the slowest loop is within half a window.
     */
    public void feed() {
        if (fed - delivered() >= WINDOW) {
            awaitDelivered(fed - WINDOW / 2);
        }
        // Free: packet fed - WINDOW, its last user, has reached every viewer (so loop 0 is done with it).
        int slot = (int) (fed % WINDOW);
        lengths[slot] = groupDatagram(fed, slots[slot]);
        // The task queue's offer publishes the slot to loop 0.
        home.execute(relayNext);
        fed++;
    }

    /** Multicast packets fed so far (each one reaches every viewer, or a check below fails). */
    public long fed() {
        return fed;
    }

    /** Multicast packets sent to every viewer of every loop so far (as of each loop's last flush). */
    public long delivered() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < channels.length; i++) {
            min = Math.min(min, channels[i].written() / viewersOn[i]);
        }
        return min;
    }

    /** Viewer datagrams written so far, all loops. */
    public long written() {
        long sum = 0;
        for (LoopSinkChannel c : channels) {
            sum += c.written();
        }
        return sum;
    }

    /** The media loops' threads (for CPU accounting). */
    public Thread[] loopThreads() {
        return loopThreads.clone();
    }

    /**
     * That no multicast packet was dropped by the relay and no viewer packet by a loop (inbox full
     * or socket busy), and that no loop wrote more than it was fed. The feeder's thread, while running.
     */
    public void checkNothingDropped() {
        Map<String, Long> lost = relay.fanout().dropped();
        boolean none = lost.values().stream().allMatch(n -> n == 0);
        if (relay.dropped() != 0 || !none || written() > fed * viewerCount) {
            throw new IllegalStateException("relay dropped " + relay.dropped() + " multicast packets, loops dropped "
                    + lost + ", " + written() + " datagrams written of " + fed * viewerCount + " fed");
        }
    }

    /** Waits until every packet fed has reached every viewer, then checks the counts exactly. Feeder. */
    public void verifyAllDelivered() {
        awaitDelivered(fed);
        checkNothingDropped();
        if (written() != fed * viewerCount) {
            throw new IllegalStateException("loops wrote " + written() + " datagrams of " + fed * viewerCount);
        }
    }

    private void awaitDelivered(long target) {
        feeder = Thread.currentThread();
        wakeAt = target;
        long seen = delivered();
        long progressAt = System.nanoTime();
        while (seen < target) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            long now = delivered();
            if (now != seen) {
                seen = now;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > STALL_NANOS) {
                wakeAt = Long.MAX_VALUE;
                checkNothingDropped();
                throw new IllegalStateException("no packet delivered for 60 s: " + seen + " of " + target
                        + " multicast packets reached every viewer");
            }
        }
        wakeAt = Long.MAX_VALUE;
    }

    /** A loop's channel flushed (once per packet, after its copies to all of the loop's viewers). That loop. */
    private void onFlush(long written, int viewersOnLoop) {
        // volatile store of the count (in the channel) then volatile load here: a waiting feeder is never missed.
        if (written / viewersOnLoop >= wakeAt) {
            LockSupport.unpark(feeder);
        }
    }

    /** Loop 0: the next multicast datagram, copied out as the socket's read hands it to the relay. */
    private void relayNext() {
        int slot = (int) (relayed++ % WINDOW);
        int length = lengths[slot];
        System.arraycopy(slots[slot], 0, receiveBuffer, 0, length);
        relay.onDatagram(receiveBuffer, 0, length, bridge);
    }

    /** Packet {@code count} of the stream (from 0; its sequence number the low 16 bits) as the bridge sends it. Feeder. */
    private int groupDatagram(long count, byte[] out) {
        int seq = (int) (count & 0xFFFF); // 65536 is a whole number of 64-packet GOPs
        int n = FanOutHarness.groupDatagram(bridgeSide, key, payload, seq, timestamp, out);
        if (FanOutHarness.endsFrame(seq)) {
            timestamp = (timestamp + 3000) & 0xFFFFFFFFL;
        }
        return n;
    }

    @Override
    public void close() {
        for (PeerConnection pc : peers) {
            pc.close("benchmark over");
        }
        relay.close();
        feedback.close();
        for (LoopSinkChannel c : channels) {
            c.close().syncUninterruptibly();
        }
        media.close();
        bridgeSide.close();
    }
}
