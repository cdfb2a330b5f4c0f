package dev.lancast.rtc.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What an admin writes as an interface or group is never turned into a DNS query. */
class InterfacesTest {
    @Test
    void onlyRealLiteralsAreAddresses() {
        assertTrue(Interfaces.isAddressLiteral("198.18.1.2"));
        assertTrue(Interfaces.isAddressLiteral("255.255.255.255"));
        assertTrue(Interfaces.isAddressLiteral("::1"));
        assertTrue(Interfaces.isAddressLiteral("fe80::1"));
        // InetAddress would resolve these as host names.
        assertFalse(Interfaces.isAddressLiteral("999.1.1.1"));
        assertFalse(Interfaces.isAddressLiteral("1.2.3.256"));
        assertFalse(Interfaces.isAddressLiteral("eth1"));
        assertFalse(Interfaces.isAddressLiteral("example.org"));
    }

    @Test
    void anUnknownNameIsRefusedWithoutALookup() {
        assertEquals(
                "interface '999.1.1.1' does not exist on this host",
                assertThrows(IllegalArgumentException.class, () -> Interfaces.resolve("999.1.1.1"))
                        .getMessage());
    }
}
