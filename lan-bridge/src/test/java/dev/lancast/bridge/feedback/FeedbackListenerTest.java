package dev.lancast.bridge.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpSender;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bridge's feedback port on loopback with a frozen clock (budgets never refill): what
 * authenticates reaches the handlers within its gateway's budget, and the first sightings of a
 * flood cannot cut known gateways off when the keys rotate (security review N5).
 */
@Tag("loopback")
class FeedbackListenerTest {
    private final SecureRandom random = new SecureRandom();
    private final EventLoops loops = new EventLoops("feedback-test", 1);
    private final CounterTable table = new CounterTable();
    private final List<Long> keyframeRequests = new CopyOnWriteArrayList<>();
    private final List<String> nacks = new CopyOnWriteArrayList<>();
    private final FeedbackListener listener = new FeedbackListener(
            loops,
            loops.group().next(),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            keyframeRequests::add,
            (ssrc, seqs, count, gateway, via) ->
                    nacks.add(Long.toHexString(ssrc) + " " + Arrays.toString(Arrays.copyOf(seqs, count))),
            LimitSettings.defaults(),
            new LimitCounters(List.of(Limit.GATEWAY_PLI, Limit.GATEWAY_NACK)),
            table,
            () -> 1_000_000_000L);
    private final List<DatagramSocket> sockets = new ArrayList<>();

    @AfterEach
    void close() {
        sockets.forEach(DatagramSocket::close);
        listener.close();
        loops.close();
    }

    private DatagramSocket socketOn(String address) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
        sockets.add(s);
        return s;
    }

    /** A gateway's PLI of media SSRC 0xBEEF from rtcpSsrc, under key (a new sender: its SRTCP index starts at 0). */
    private byte[] pli(GroupKey key, long rtcpSsrc) {
        byte[] buf = new byte[200];
        int at = GroupWireFormat.HEADER_LENGTH;
        int len = RtcpWriter.writePli(buf, at, rtcpSsrc, 0xBEEF);
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt())) {
            int n = sender.protectRtcp(buf, at, len);
            GroupWireFormat.writeHeader(buf, 0, key.id());
            return Arrays.copyOf(buf, at + n);
        }
    }

    private void send(DatagramSocket from, byte[] datagram) throws Exception {
        from.send(new DatagramPacket(datagram, datagram.length, listener.localAddress()));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private long dropped(DropReason reason) {
        return listener.dropped(reason);
    }

    @Test
    void aKnownGatewayIsNotCutOffAtARotationByAFloodOfFirstSightings() throws Exception {
        GroupKey first = GroupKey.generate(1, random);
        GroupKey second = GroupKey.generate(2, random);
        listener.useKeys(List.of(first, second)).get();
        DatagramSocket gateway = socketOn("127.0.0.1");
        long gatewaySsrc = 0x6A7E_0001L;
        send(gateway, pli(first, gatewaySsrc));
        await(() -> keyframeRequests.size() == 1, "the gateway's PLI under the first key");

        // A flood of first sightings under the next key from 25 addresses: 20 each (the per-source
        // budget), 500 in all, more than the 400 the total budget has (the clock is frozen).
        // Each flood datagram is either tried (and fails) or refused before any crypto; one address at a
        // time, so that the socket's buffer never overflows.
        int flooders = 25;
        GroupKey forged = GroupKey.generate(second.id(), random); // the id is public, the material is not
        for (int a = 0; a < flooders; a++) {
            DatagramSocket flooder = socketOn("127.0.0." + (10 + a));
            for (int i = 0; i < 20; i++) {
                send(flooder, pli(forged, 0x0F00_0000L + a * 100 + i));
            }
            int sent = 20 * (a + 1);
            await(
                    () -> dropped(DropReason.AUTH_FAILED) + dropped(DropReason.TRIAL_LIMIT) == sent,
                    "the flood's datagrams counted");
        }
        assertTrue(dropped(DropReason.TRIAL_LIMIT) >= 100, "the total budget (400) is spent");

        // The rotation: the gateway's SSRC under the new key. From another address it is a stranger,
        // and the spent budget applies...
        long refusedBefore = dropped(DropReason.TRIAL_LIMIT);
        send(socketOn("127.0.0.99"), pli(GroupKey.generate(2, random), gatewaySsrc));
        await(() -> dropped(DropReason.TRIAL_LIMIT) == refusedBefore + 1, "the same SSRC from another address refused");
        // ...but from the address it authenticated from, it is the known gateway.
        send(gateway, pli(second, gatewaySsrc));
        await(() -> keyframeRequests.size() == 2, "the known gateway's PLI under the new key");
        assertEquals(List.of(0xBEEFL, 0xBEEFL), keyframeRequests, "no forged PLI got through");
        assertEquals(refusedBefore + 1, dropped(DropReason.TRIAL_LIMIT));
    }

    @Test
    void nacksWithinTheGatewaysBudgetReachTheHandlerAsOneList() throws Exception {
        GroupKey key = GroupKey.generate(3, random);
        listener.useKeys(List.of(key)).get();
        byte[] buf = new byte[200];
        int at = GroupWireFormat.HEADER_LENGTH;
        int len = RtcpWriter.writeNack(buf, at, 0x6A7E_0002L, 0xCAFE, new int[] {100, 101, 105}, 3);
        int n;
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt())) {
            n = sender.protectRtcp(buf, at, len);
        }
        GroupWireFormat.writeHeader(buf, 0, key.id());
        send(socketOn("127.0.0.1"), Arrays.copyOf(buf, at + n));
        await(() -> nacks.size() == 1, "the NACK");
        assertEquals(List.of("cafe [100, 101, 105]"), nacks);
    }
}
