package dev.lancast.gateway.relay;

import dev.lancast.bench.jmh.SinkDatagramChannel;
import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.SrtpKeys;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.peer.KeyedPeers;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.srtp.SrtpCryptoPath;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpSender;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark-only (bench/jmh, in the relay's package to reach its package-private seam): one
 * gateway stream relay, as {@code Gateway} builds it, with N connected viewers on a
 * {@link SinkDatagramChannel}, fed the group datagrams a bridge would send. {@link #onMulticastPacket()}
 * is what the gateway does per multicast packet: copy it out of the socket's buffer, authenticate
 * and decrypt it once with the group key, bookkeeping (loss, reception, repair cache, keyframe
 * cache), then for each viewer rewrite the payload type, copy, protect with the viewer's SRTP key
 * and write a datagram to the shared channel, then one flush.
 *
 * <p>The stream is VP8 video of {@value #PACKET_SIZE}-byte RTP packets, a keyframe of 8 packets
 * every 64. The datagrams are made in advance (the bridge's work is not measured): runs of 65536
 * sequence numbers, each under the next rollover counter as the bridge's would be, under one group
 * key (a rotation is minutes apart in the product; its cost is not per packet). When a run is used
 * up the other follows, and the used one is made again for the rollover counter after the next, on
 * a thread of the harness's own (the other core, not the benchmark's time). A run is ~80 MB; the
 * two are reused in place.
 * Every viewer has its own SRTP key (AEAD_AES_128_GCM, what browsers pick from our offer).
 *
 * <p>With {@code loops} above 1 the viewers are spread over that many media loops as the gateway's
 * {@link ShardedFanout} spreads them (round robin here, the kernel's hash there): the first loop's
 * shard is called directly, the others get each packet through their inbox, drained (on this
 * thread) after each multicast packet, so the figure includes the hand-off's copy and wake-up.
 * {@link ThreadedFanOutHarness} runs the loops on threads of their own, for their throughput.
 *
 * <p>The relay is driven on the calling thread, which is every channel's event loop; time is frozen,
 * so the relay's timers (reports, NACKs) never run. When the gateway's fan-out is restructured,
 * this class is the one to point at the new code.
 */
public final class FanOutHarness implements AutoCloseable {
    public static final int PACKET_SIZE = 1200;
    static final int RUN = 65536;
    static final int KEY_ID = 1;
    static final long VIDEO_SSRC = 0x0A0B0C0DL;
    static final long AUDIO_SSRC = 0x01020304L;
    static final int GROUP_PT = 96;
    static final int VIEWER_VIDEO_PT = 102;
    static final int VIEWER_AUDIO_PT = 111;
    static final String STREAM = "bench";

    private final int viewerCount;
    private final SinkDatagramChannel[] channels;
    private final SinkDatagramChannel channel;
    private final StreamRelay relay;
    private final PeerConnection[] peers;
    private final GroupKey key;
    private final byte[][][] runs = new byte[2][RUN][];
    private final byte[] payload = new byte[PACKET_SIZE - 12];
    /** Makes the used run again while the other one is relayed; owned (and stopped) here. */
    private final ExecutorService refill = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fanout-harness-refill");
        t.setDaemon(true);
        return t;
    });

    private Future<?> refilled = CompletableFuture.completedFuture(null);
    /**
     * The bridge's side, one for the harness's life so that making a run allocates nothing: its
     * sequence numbers run on from run to run, so its own index estimate moves the ROC on. Used by
     * the constructor, then by the refill thread only.
     */
    private final SrtpSender bridgeSide;

    private final byte[] bridgeScratch = new byte[2048];
    private int roc;
    private final byte[] receiveBuffer = new byte[2048];
    private final InetSocketAddress bridge;
    private int run;
    private int next;
    private long packets;

    /** A relay with {@code viewers} connected viewers, ready for {@link #onMulticastPacket()}. */
    public FanOutHarness(int viewers) {
        this(viewers, 1);
    }

    /** A relay with {@code viewers} connected viewers spread over {@code loops} media loops. */
    public FanOutHarness(int viewers, int loops) {
        this.viewerCount = viewers;
        this.channels = new SinkDatagramChannel[loops];
        for (int i = 0; i < loops; i++) {
            channels[i] = new SinkDatagramChannel();
            // Before the relay schedules its timers: they must never come due on the benchmark thread.
            channels[i].freezeTime();
        }
        this.channel = channels[0];
        SrtpCryptoPath.pinOpenSslIfAvailable(); // as the lancast command does at start
        SplittableRandom random = new SplittableRandom(11);
        byte[] groupKey = new byte[GroupKey.KEY_LENGTH];
        byte[] groupSalt = new byte[GroupKey.SALT_LENGTH];
        random.nextBytes(groupKey);
        random.nextBytes(groupSalt);
        key = new GroupKey(KEY_ID, groupKey, groupSalt);
        bridgeSide = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt());
        random.nextBytes(payload);
        for (int k = 0; k < 2; k++) {
            groupDatagrams(runs[k], k);
        }
        try {
            bridge = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 1}), 5004);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }

        // Nothing of these is used while packets are relayed: no groups are joined, no timer runs.
        CounterTable table = new CounterTable();
        relay = new StreamRelay(
                STREAM,
                null,
                channel.eventLoop(),
                null,
                new ShardedFanout(STREAM, channel.eventLoop(), List.of(channels), System::nanoTime, table),
                null,
                null,
                null,
                DeliveryControl.NONE,
                0,
                table,
                System::nanoTime);
        relay.updateKeys(keysOf(key));
        DtlsCertificate certificate = DtlsCertificate.generate();
        LimitCounters counters = new LimitCounters(List.of(Limit.VIEWER_PLI, Limit.VIEWER_NACK));
        peers = new PeerConnection[viewers];
        for (int i = 0; i < viewers; i++) {
            ViewerSession viewer = new ViewerSession(
                    "viewer-" + i, relay, VIEWER_VIDEO_PT, VIEWER_AUDIO_PT, LimitSettings.defaults(), counters);
            byte[] key = new byte[16];
            byte[] salt = new byte[12];
            random.nextBytes(key);
            random.nextBytes(salt);
            SrtpKeys srtp = new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, key, salt, key.clone(), salt.clone());
            InetSocketAddress remote = new InetSocketAddress(viewerAddress(i), 40000 + i % 20000);
            peers[i] = KeyedPeers.connected(viewer.id(), channels[i % loops], certificate, srtp, remote, viewer);
            viewer.bind(peers[i]);
        }
        // The keys, the viewers and their joins' keyframe requests (no entry yet: nothing asked of the bridge).
        channel.runPendingTasks();
        relay.useEntryWithoutJoining(new StreamCatalog.Stream(
                STREAM,
                true,
                KEY_ID,
                "198.18.0.1:5005",
                List.of(
                        new StreamCatalog.Track(
                                "video", "VP8", GROUP_PT, 90000, 0, null, VIDEO_SSRC, "239.255.0.1", 5004, null),
                        new StreamCatalog.Track(
                                "audio", "opus", 111, 48000, 2, null, AUDIO_SSRC, "239.255.0.1", 5006, null)),
                null));
        if (relay.viewerCount() != viewers || !relay.hasCurrentKey()) {
            throw new IllegalStateException(
                    "relay not ready: " + relay.viewerCount() + " viewers, key " + relay.hasCurrentKey());
        }
        // Sessions in their steady state: jitsi-srtp makes each SSRC's context (and, once per JVM,
        // picks its AES implementation by a benchmark of its own) on the first packet.
        onMulticastPacket();
        verifyAllDelivered();
    }

    /** One multicast datagram through the gateway, to every viewer. Benchmark thread only. */
    public void onMulticastPacket() {
        if (next == RUN) {
            awaitRefill();
            int used = run;
            int usedRoc = roc;
            run ^= 1;
            roc++;
            next = 0;
            refilled = refill.submit(() -> groupDatagrams(runs[used], usedRoc + 2));
        }
        byte[] datagram = runs[run][next++];
        System.arraycopy(datagram, 0, receiveBuffer, 0, datagram.length);
        relay.onDatagram(receiveBuffer, 0, datagram.length, bridge);
        for (int i = 1; i < channels.length; i++) {
            channels[i].runPendingTasks();
        }
        packets++;
    }

    /**
     * Checks that every multicast packet reached every viewer, so that a benchmark never times a
     * relay that drops (an authentication failure is faster than a fan-out).
     */
    public void verifyAllDelivered() {
        long expected = packets * viewerCount;
        long written = 0;
        for (SinkDatagramChannel c : channels) {
            written += c.written();
        }
        if (written != expected || relay.dropped() != 0) {
            throw new IllegalStateException("relay delivered " + written + " of " + expected + " datagrams, dropped "
                    + relay.dropped() + " multicast packets");
        }
    }

    @Override
    public void close() {
        refill.shutdown(); // a run being made is finished (it takes well under a second), then the thread ends
        try {
            refill.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bridgeSide.close();
        for (PeerConnection pc : peers) {
            pc.close("benchmark over");
        }
        relay.close();
        for (SinkDatagramChannel c : channels) {
            c.runPendingTasks();
            c.close();
        }
    }

    static GroupKeys keysOf(GroupKey key) {
        return new GroupKeys(KEY_ID, List.of(new GroupKeys.Key(KEY_ID, key.toHex(), STREAM)));
    }

    static InetAddress viewerAddress(int i) {
        try {
            return InetAddress.getByAddress(
                    new byte[] {(byte) 198, (byte) (18 + (i >> 16 & 1)), (byte) (i >> 8), (byte) i});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitRefill() {
        try {
            refilled.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("making the next run of datagrams failed", e.getCause());
        }
    }

    /**
     * The bridge's datagrams for sequence numbers 0..65535 under rollover counter roc, into out (its
     * arrays reused once made): lancast header, then SRTP under the group key.
     */
    private void groupDatagrams(byte[][] out, int roc) {
        // 29 frames in every 64 packets (a keyframe of 8, then two packets a frame): runs follow on.
        long timestamp = (long) roc * (RUN / 64) * 29 * 3000 & 0xFFFFFFFFL;
        for (int seq = 0; seq < RUN; seq++) {
            int n = groupDatagram(bridgeSide, key, payload, seq, timestamp, bridgeScratch);
            if (out[seq] == null) {
                out[seq] = new byte[n];
            }
            System.arraycopy(bridgeScratch, 0, out[seq], 0, n);
            if (endsFrame(seq)) {
                timestamp = (timestamp + 3000) & 0xFFFFFFFFL;
            }
        }
    }

    /**
     * The bridge's datagram of sequence number seq at this RTP timestamp, into out: lancast header,
     * then VP8 RTP ({@value #PACKET_SIZE} bytes, a keyframe of 8 packets every 64, then two packets
     * a frame) under SRTP with the group key, by bridgeSide (whose index estimate carries the
     * rollover counter on). Returns its length. Also {@link ThreadedFanOutHarness}'s feeder.
     */
    static int groupDatagram(SrtpSender bridgeSide, GroupKey key, byte[] payload, int seq, long timestamp, byte[] out) {
        int inGop = seq % 64;
        boolean keyframe = inGop < 8;
        int at = GroupWireFormat.HEADER_LENGTH;
        out[at] = (byte) 0x80;
        out[at + 1] = (byte) ((endsFrame(seq) ? 0x80 : 0) | GROUP_PT);
        out[at + 2] = (byte) (seq >>> 8);
        out[at + 3] = (byte) seq;
        putInt(out, at + 4, timestamp);
        putInt(out, at + 8, VIDEO_SSRC);
        System.arraycopy(payload, 0, out, at + 12, payload.length);
        // VP8 payload descriptor (RFC 7741): S set on a frame's first packet; frame tag P bit 0 on a keyframe.
        boolean first = keyframe ? inGop == 0 : (inGop & 1) == 0;
        out[at + 12] = (byte) (first ? 0x10 : 0x00);
        out[at + 13] = (byte) (keyframe ? 0x00 : 0x01);
        int n = bridgeSide.protectRtp(out, at, PACKET_SIZE);
        if (n != PACKET_SIZE + SrtpProfile.AEAD_AES_128_GCM.rtpOverhead()) {
            throw new IllegalStateException("group protect failed at " + seq);
        }
        GroupWireFormat.writeHeader(out, 0, key.id());
        return at + n;
    }

    /** Whether packet seq ends its frame (the RTP marker; the timestamp moves on after it). */
    static boolean endsFrame(int seq) {
        int inGop = seq % 64;
        return inGop < 8 ? inGop == 7 : (inGop & 1) == 1;
    }

    private static void putInt(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
