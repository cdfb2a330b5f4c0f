package dev.lancast.rtc.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;

class SubnetTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void parsesAndNormalisesTheNetworkAddress() {
        assertEquals("198.18.1.0/24", Subnet.parse("198.18.1.77/24").toString());
        assertEquals(Subnet.parse("198.18.1.0/24"), Subnet.parse("198.18.1.200/24"));
        assertEquals("10.0.0.0/9", Subnet.parse("10.127.255.255/9").toString());
        assertEquals("0.0.0.0/0", Subnet.parse("1.2.3.4/0").toString());
    }

    @Test
    void containsOnlyAddressesOfTheNetwork() throws Exception {
        Subnet s = Subnet.parse("198.18.4.0/22");
        assertTrue(s.contains(ip("198.18.4.1")));
        assertTrue(s.contains(ip("198.18.7.254")));
        assertFalse(s.contains(ip("198.18.8.1")));
        assertFalse(s.contains(ip("::1")));
    }

    @Test
    void sharedPrefixMeasuresHowNearAnAddressIs() throws Exception {
        Subnet s = Subnet.parse("198.18.1.0/24");
        assertEquals(24, s.sharedPrefixBits(ip("198.18.1.9")));
        assertEquals(22, s.sharedPrefixBits(ip("198.18.2.9"))); // 1 = 00000001, 2 = 00000010
        assertEquals(15, s.sharedPrefixBits(ip("198.19.1.9")));
        assertEquals(0, s.sharedPrefixBits(ip("10.0.0.1")));
        assertEquals(-1, s.sharedPrefixBits(ip("::1")));
    }

    @Test
    void rejectsWhatIsNotCidrWithoutLookingNamesUp() {
        assertEquals("expected a subnet such as 198.18.1.0/24, got '198.18.1.0'",
                assertThrows(IllegalArgumentException.class, () -> Subnet.parse("198.18.1.0")).getMessage());
        assertEquals("'example.org' in 'example.org/24' is not an IP address",
                assertThrows(IllegalArgumentException.class, () -> Subnet.parse("example.org/24")).getMessage());
        assertEquals("prefix length 33 is out of range 0..32",
                assertThrows(IllegalArgumentException.class, () -> Subnet.parse("198.18.1.0/33")).getMessage());
        assertEquals("prefix length in '198.18.1.0/x' is not a number",
                assertThrows(IllegalArgumentException.class, () -> Subnet.parse("198.18.1.0/x")).getMessage());
    }

    @Test
    void theLoopbackInterfaceIsItsOwnSubnet() throws Exception {
        assertEquals("127.0.0.0/8", Subnet.ofInterface(NetworkInterface.getByName("lo")).toString());
    }
}
