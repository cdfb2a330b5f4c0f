package dev.lancast.rtc.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsMessageTest {
    private static final String TYPE = "_lancast._tcp.local.";

    @Test
    void whatTheWriterWritesParsesBack() throws Exception {
        byte[] msg = new DnsWriter(0, true)
                .section(1)
                .ptr(TYPE, 4500, "Bridge One.2", TYPE)
                .srv("Bridge One.2", TYPE, 120, 8443, "host-a.local.")
                .txt("Bridge One.2", TYPE, 4500, Map.of("v", "1", "scheme", "https"))
                .a("host-a.local.", 120, InetAddress.getByName("198.18.0.1"))
                .bytes();
        DnsMessage m = DnsMessage.parse(msg, 0, msg.length);
        assertTrue(m.response());
        assertEquals(4, m.records().size());
        DnsMessage.Record ptr = m.records().get(0);
        assertEquals(TYPE, ptr.name());
        assertEquals("bridge one.2." + TYPE, ptr.target());
        assertEquals("Bridge One.2", ptr.label(), "the instance label as sent, dots and case kept");
        DnsMessage.Record srv = m.records().get(1);
        assertEquals(8443, srv.port());
        assertEquals("host-a.local.", srv.target());
        assertTrue(srv.cacheFlush());
        assertEquals(List.of("scheme=https", "v=1"), m.records().get(2).txt());
        assertEquals(InetAddress.getByName("198.18.0.1"), m.records().get(3).address());
        assertEquals(120, m.records().get(3).ttl());
    }

    @Test
    void compressedNamesAreFollowed() throws Exception {
        // A question for _x._tcp.local. and a PTR answer whose name points back at it.
        DnsMessage m = parseFixed();
        assertEquals("_x._tcp.local.", m.questions().get(0).name());
        assertEquals("ab._x._tcp.local.", m.records().get(0).target());
        assertEquals("Ab", m.records().get(0).label());
    }

    private static DnsMessage parseFixed() throws DnsException {
        byte[] msg = {
            0,
            0,
            (byte) 0x84,
            0,
            0,
            1,
            0,
            1,
            0,
            0,
            0,
            0,
            2,
            '_',
            'x',
            4,
            '_',
            't',
            'c',
            'p',
            5,
            'l',
            'o',
            'c',
            'a',
            'l',
            0,
            0,
            12,
            0,
            1,
            (byte) 0xC0,
            12,
            0,
            12,
            0,
            1,
            0,
            0,
            0,
            60,
            0,
            5,
            2,
            'A',
            'b',
            (byte) 0xC0,
            12,
        };
        return DnsMessage.parse(msg, 0, msg.length);
    }

    @Test
    void boundsAreRefusedWithAReason() {
        byte[] loop = {0, 0, (byte) 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
        assertTrue(assertThrows(DnsException.class, () -> DnsMessage.parse(loop, 0, loop.length))
                .getMessage()
                .contains("backwards"));
        byte[] many = {0, 0, (byte) 0x84, 0, 0, 0, 1, 0, 0, 0, 0, 0};
        assertTrue(assertThrows(DnsException.class, () -> DnsMessage.parse(many, 0, many.length))
                .getMessage()
                .contains("too many"));
        byte[] longLabel = new byte[12 + 1 + 64 + 5];
        longLabel[5] = 1;
        longLabel[12] = 64;
        assertThrows(DnsException.class, () -> DnsMessage.parse(longLabel, 0, longLabel.length));
        byte[] shortSrv = {0, 0, (byte) 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 33, 0, 1, 0, 0, 0, 1, 0, 2, 0, 0};
        assertTrue(assertThrows(DnsException.class, () -> DnsMessage.parse(shortSrv, 0, shortSrv.length))
                .getMessage()
                .contains("SRV"));
        assertThrows(DnsException.class, () -> DnsMessage.parse(new byte[11], 0, 11));
    }
}
