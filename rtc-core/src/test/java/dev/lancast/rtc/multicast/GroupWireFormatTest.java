package dev.lancast.rtc.multicast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GroupWireFormatTest {
    @Test
    void headerCarriesTheKeyId() {
        byte[] b = new byte[40];
        GroupWireFormat.writeHeader(b, 0, 200);
        assertEquals(200, GroupWireFormat.keyId(b, 0, b.length));
    }

    @Test
    void foreignOrShortDatagramsAreRefused() {
        byte[] b = new byte[40];
        GroupWireFormat.writeHeader(b, 0, 1);
        assertEquals(-1, GroupWireFormat.keyId(b, 0, 10), "too short to hold an SRTP packet");
        b[2] = 2;
        assertEquals(-1, GroupWireFormat.keyId(b, 0, b.length), "unknown version");
        b[2] = 1;
        b[0] = (byte) 0x80;
        assertEquals(-1, GroupWireFormat.keyId(b, 0, b.length), "plain RTP is not ours");
    }

    @Test
    void keysParseFromTheirConfigForm() {
        GroupKey key = GroupKey.fromHex(3, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b");
        assertEquals(16, key.key().length);
        assertEquals(0x10, key.salt()[0]);
        assertEquals("000102030405060708090a0b0c0d0e0f101112131415161718191a1b", key.toHex());
        assertEquals(
                "group key must be 56 hex digits (16-byte key + 12-byte salt), got 4",
                assertThrows(IllegalArgumentException.class, () -> GroupKey.fromHex(1, "abcd"))
                        .getMessage());
        assertEquals(
                "group key is not hexadecimal",
                assertThrows(IllegalArgumentException.class, () -> GroupKey.fromHex(1, "zz"))
                        .getMessage());
    }
}
