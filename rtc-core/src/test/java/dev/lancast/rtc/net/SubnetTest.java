package dev.lancast.rtc.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;

class SubnetTest {
    @Test
    void containsByPrefix() throws Exception {
        Subnet s = Subnet.parse("198.18.1.0/24");
        assertTrue(s.contains(InetAddress.getByName("198.18.1.0")));
        assertTrue(s.contains(InetAddress.getByName("198.18.1.255")));
        assertFalse(s.contains(InetAddress.getByName("198.18.2.0")));
        assertFalse(s.contains(InetAddress.getByName("::1")), "another family never matches");
        Subnet odd = Subnet.parse("198.18.0.0/15");
        assertTrue(odd.contains(InetAddress.getByName("198.19.255.1")));
        assertFalse(odd.contains(InetAddress.getByName("198.20.0.1")));
        assertTrue(Subnet.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9")));
        assertTrue(Subnet.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.1")));
        assertFalse(Subnet.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.2")));
        assertTrue(Subnet.parse("fd00::/8").contains(InetAddress.getByName("fdab::1")));
        assertEquals("198.18.1.0/24", s.toString());
    }

    @Test
    void badSubnetsSayWhy() {
        assertEquals(
                "'198.18.1.1/24' has host bits set; did you mean 198.18.1.0/24?",
                assertThrows(IllegalArgumentException.class, () -> Subnet.parse("198.18.1.1/24"))
                        .getMessage());
        assertEquals(
                "prefix length must be 0..32, got 33",
                assertThrows(IllegalArgumentException.class, () -> Subnet.parse("10.0.0.0/33"))
                        .getMessage());
        assertEquals(
                "'lab.example/24' is not a subnet such as 198.18.1.0/24",
                assertThrows(IllegalArgumentException.class, () -> Subnet.parse("lab.example/24"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Subnet.parse("10.0.0.0/x"));
    }

    @Test
    void sharedPrefixMeasuresHowNearAnAddressIs() throws Exception {
        Subnet s = Subnet.parse("198.18.1.0/24");
        assertEquals(24, s.sharedPrefixBits(InetAddress.getByName("198.18.1.9")));
        assertEquals(22, s.sharedPrefixBits(InetAddress.getByName("198.18.2.9"))); // 1 = 00000001, 2 = 00000010
        assertEquals(15, s.sharedPrefixBits(InetAddress.getByName("198.19.1.9")));
        assertEquals(0, s.sharedPrefixBits(InetAddress.getByName("10.0.0.1")));
        assertEquals(-1, s.sharedPrefixBits(InetAddress.getByName("::1")));
    }

    @Test
    void theLoopbackInterfaceIsItsOwnSubnet() throws Exception {
        assertEquals(Subnet.parse("127.0.0.0/8"), Subnet.ofInterface(NetworkInterface.getByName("lo")));
    }
}
