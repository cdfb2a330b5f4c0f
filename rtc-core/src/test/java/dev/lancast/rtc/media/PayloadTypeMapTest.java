package dev.lancast.rtc.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

class PayloadTypeMapTest {
    private final PayloadTypeMap map = new PayloadTypeMap(120, 96);

    @Test
    void theNegotiatedTypeBecomesTheFixedOne() {
        RtpPacket p = Packets.rtp(120, 1, 0, 1, true, 10);
        assertTrue(map.onRtp(Packets.VIDEO, p, 0));
        assertEquals(96, p.payloadType());
        assertTrue(p.marker(), "the marker bit shares the byte and stays");
    }

    @Test
    void anotherTypeIsNotThisTracksAndIsDropped() {
        RtpPacket p = Packets.rtp(121, 1, 0, 1, false, 10);
        assertFalse(map.onRtp(Packets.VIDEO, p, 0));
        assertEquals(121, p.payloadType());
    }

    @Test
    void typesOutsideTheRtpRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PayloadTypeMap(128, 96));
    }
}
