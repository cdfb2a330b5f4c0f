package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import io.netty.channel.EventLoop;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A gateway's feedback on loopback, read by a socket standing in for the bridge's feedback port:
 * it goes out under the feedback key in use, and follows the key's material, not only its id
 * (security review N7: a restarted bridge may give the old id to a new key).
 */
@Tag("loopback")
class FeedbackSenderTest {
    private final SecureRandom random = new SecureRandom();

    private static GroupKeys feedbackKeys(GroupKey key) {
        return new GroupKeys(key.id(), List.of(new GroupKeys.Key(key.id(), key.toHex(), null)));
    }

    /** Receives one datagram and opens it with key; returns the SRTCP result (plain length, or a negative code). */
    private static int openWith(DatagramSocket bridge, GroupKey key) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        bridge.receive(packet);
        byte[] buf = Arrays.copyOf(packet.getData(), packet.getLength());
        assertEquals(key.id(), GroupWireFormat.keyId(buf, 0, buf.length), "the datagram names the key's id");
        try (SrtpReceiver receiver = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt())) {
            return receiver.unprotectRtcp(
                    buf, GroupWireFormat.HEADER_LENGTH, buf.length - GroupWireFormat.HEADER_LENGTH);
        }
    }

    @Test
    void feedbackFollowsAnIdGivenToNewMaterial() throws Exception {
        try (EventLoops loops = new EventLoops("feedback-sender-test", 1);
                DatagramSocket bridge =
                        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            bridge.setSoTimeout(20_000);
            EventLoop loop = loops.group().next();
            InetSocketAddress to = (InetSocketAddress) bridge.getLocalSocketAddress();
            FeedbackSender sender = new FeedbackSender(
                    loops,
                    loop,
                    InetAddress.getLoopbackAddress(),
                    random,
                    (buf, off, len, from) -> {},
                    new CounterTable());
            try {
                GroupKey before = GroupKey.generate(77, random);
                sender.updateKeys(feedbackKeys(before));
                loop.submit(() -> sender.sendPli(to, 0xBEEF)).get();
                assertTrue(openWith(bridge, before) > 0, "under the key in use");

                // The bridge restarted and its new feedback key drew the same id.
                GroupKey after = GroupKey.generate(77, random);
                sender.updateKeys(feedbackKeys(after));
                loop.submit(() -> sender.sendPli(to, 0xBEEF)).get();
                assertTrue(openWith(bridge, after) > 0, "under the new material, though the id is the old one");
            } finally {
                sender.close();
            }
        }
    }
}
