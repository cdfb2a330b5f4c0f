package dev.lancast.rtc.multicast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.Interfaces;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("loopback")
class MulticastLoopbackTest {
    @Test
    void datagramsReachAGroupJoinedOnLoopback() throws Exception {
        NetworkInterface lo = Interfaces.resolve("lo");
        InetSocketAddress group = new InetSocketAddress("239.255.201.7", 20000 + (int) (Math.random() * 20000));
        LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        try (EventLoops loops = new EventLoops("test-mcast", 1);
                MulticastReceiver receiver = new MulticastReceiver(
                        loops,
                        null,
                        lo,
                        group,
                        null,
                        (buf, off, len, sender) -> received.add(Arrays.copyOfRange(buf, off, off + len)));
                MulticastSender sender = new MulticastSender(loops, lo, group, 1, 34)) {
            byte[] payload = "lancast".getBytes();
            for (int i = 0; i < 3; i++) {
                sender.write(payload, 0, payload.length);
            }
            sender.flush();
            byte[] got = received.poll(10, TimeUnit.SECONDS);
            assertArrayEquals(payload, got);
        }
    }

    /** A source-specific join (IGMPv3) takes the named sender's packets and nobody else's. */
    @Test
    void sourceSpecificJoinsFilterBySender() throws Exception {
        NetworkInterface lo = Interfaces.resolve("lo");
        InetSocketAddress group = new InetSocketAddress("239.255.202.9", 20000 + (int) (Math.random() * 20000));
        LinkedBlockingQueue<String> right = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> wrong = new LinkedBlockingQueue<>();
        try (EventLoops loops = new EventLoops("test-ssm", 1);
                MulticastReceiver fromUs = new MulticastReceiver(
                        loops,
                        null,
                        lo,
                        group,
                        java.net.InetAddress.getByName("127.0.0.1"),
                        (b, o, l, s) -> right.add(s.getAddress().getHostAddress()));
                MulticastReceiver fromOther = new MulticastReceiver(
                        loops,
                        null,
                        lo,
                        group,
                        java.net.InetAddress.getByName("127.0.0.2"),
                        (b, o, l, s) -> wrong.add(s.getAddress().getHostAddress()));
                MulticastSender sender = new MulticastSender(loops, lo, group, 1, 34)) {
            byte[] payload = "ssm".getBytes();
            for (int i = 0; i < 3; i++) {
                sender.write(payload, 0, payload.length);
            }
            sender.flush();
            assertEquals("127.0.0.1", right.poll(10, TimeUnit.SECONDS));
            assertEquals(null, wrong.poll(500, TimeUnit.MILLISECONDS), "a join for another source gets nothing");
        }
    }

    /**
     * The TTL, DSCP, interface and loopback read back from the kernel are the ones asked for: with
     * Netty's epoll option the TTL went to IP_TTL and IP_MULTICAST_TTL stayed 1.
     */
    @Test
    void theSocketKeepsTheMulticastTtlDscpInterfaceAndLoopbackAskedFor() {
        NetworkInterface lo = Interfaces.resolve("lo");
        InetSocketAddress group = new InetSocketAddress("239.255.203.11", 20000 + (int) (Math.random() * 20000));
        try (EventLoops loops = new EventLoops("test-mcast-ttl", 1);
                MulticastSender four = new MulticastSender(loops, lo, group, 4, 46);
                MulticastSender one = new MulticastSender(loops, lo, group, 1, 34)) {
            assertEquals(new MulticastSocketOptions.Settings(4, 46, "127.0.0.1", true), four.settings());
            assertEquals(new MulticastSocketOptions.Settings(1, 34, "127.0.0.1", true), one.settings());
        }
    }

    @Test
    void aUnicastAddressIsRefusedAsGroup() {
        NetworkInterface lo = Interfaces.resolve("lo");
        try (EventLoops loops = new EventLoops("test-mcast", 1)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new MulticastSender(loops, lo, new InetSocketAddress("127.0.0.1", 5004), 1, 0));
            assertEquals("127.0.0.1 is not a multicast group", e.getMessage());
        }
    }
}
