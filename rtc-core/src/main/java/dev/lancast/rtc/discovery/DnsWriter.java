package dev.lancast.rtc.discovery;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an mDNS message (RFC 6762 18): a header, questions, then records, without name
 * compression (our messages are a few hundred bytes). A name is written as an optional first
 * label taken whole (a DNS-SD instance name may hold dots) followed by a dotted domain such as
 * {@code _lancast._tcp.local.}. Sections are written in order: questions, answers, authority,
 * additional; the counts are set by {@link #bytes}.
 */
final class DnsWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    private final int id;
    private final boolean response;
    private final int[] counts = new int[4];
    private int section;

    /** @param response a response (QR and AA set) or a query */
    DnsWriter(int id, boolean response) {
        this.id = id;
        this.response = response;
    }

    DnsWriter question(String first, String domain, int type, boolean unicast) {
        in(0);
        name(first, domain);
        u16(type);
        u16(unicast ? 0x8001 : 1);
        return this;
    }

    /** Records from here on go to the answer (1), authority (2) or additional (3) section. */
    DnsWriter section(int s) {
        if (s < section) {
            throw new IllegalStateException("sections are written in order");
        }
        section = s;
        return this;
    }

    DnsWriter ptr(String domain, long ttl, String instance, String type) {
        header(null, domain, DnsMessage.TYPE_PTR, false, ttl);
        return rdata(() -> name(instance, type));
    }

    DnsWriter srv(String instance, String type, long ttl, int port, String host) {
        header(instance, type, DnsMessage.TYPE_SRV, true, ttl);
        return rdata(() -> {
            u16(0);
            u16(0);
            u16(port);
            name(null, host);
        });
    }

    DnsWriter txt(String instance, String type, long ttl, Map<String, String> txt) {
        header(instance, type, DnsMessage.TYPE_TXT, true, ttl);
        return rdata(() -> {
            if (txt.isEmpty()) {
                out.write(0); // RFC 6763 6.1: an empty TXT record holds one empty string
            }
            for (Map.Entry<String, String> e : new TreeMap<>(txt).entrySet()) {
                byte[] kv = (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8);
                if (kv.length > 255) {
                    throw new IllegalArgumentException("TXT entry " + e.getKey() + " is longer than 255 bytes");
                }
                out.write(kv.length);
                out.writeBytes(kv);
            }
        });
    }

    DnsWriter a(String host, long ttl, InetAddress address) {
        header(null, host, DnsMessage.TYPE_A, true, ttl);
        return rdata(() -> out.writeBytes(address.getAddress()));
    }

    /** The message, with its section counts. */
    byte[] bytes() {
        byte[] body = out.toByteArray();
        byte[] msg = new byte[12 + body.length];
        msg[0] = (byte) (id >> 8);
        msg[1] = (byte) id;
        msg[2] = (byte) (response ? 0x84 : 0); // QR, AA
        for (int i = 0; i < 4; i++) {
            msg[4 + 2 * i] = (byte) (counts[i] >> 8);
            msg[5 + 2 * i] = (byte) counts[i];
        }
        System.arraycopy(body, 0, msg, 12, body.length);
        return msg;
    }

    /** Whether nothing but the header has been written. */
    boolean isEmpty() {
        return out.size() == 0;
    }

    private void in(int s) {
        if (s < section) {
            throw new IllegalStateException("sections are written in order");
        }
        section = s;
        counts[s]++;
    }

    private void header(String first, String domain, int type, boolean unique, long ttl) {
        in(Math.max(section, 1));
        name(first, domain);
        u16(type);
        u16(unique ? 0x8001 : 1); // the cache-flush bit on unique records (RFC 6762 10.2)
        u16((int) (ttl >>> 16));
        u16((int) ttl);
    }

    private DnsWriter rdata(Runnable body) {
        int lengthAt = out.size();
        u16(0);
        body.run();
        byte[] sofar = out.toByteArray();
        int n = sofar.length - lengthAt - 2;
        sofar[lengthAt] = (byte) (n >> 8);
        sofar[lengthAt + 1] = (byte) n;
        out.reset();
        out.writeBytes(sofar);
        return this;
    }

    private void name(String first, String domain) {
        if (first != null) {
            label(first.getBytes(StandardCharsets.UTF_8));
        }
        for (String label : domain.split("\\.")) {
            if (!label.isEmpty()) {
                label(label.getBytes(StandardCharsets.UTF_8));
            }
        }
        out.write(0);
    }

    private void label(byte[] label) {
        if (label.length == 0 || label.length > 63) {
            throw new IllegalArgumentException("a DNS label has 1..63 bytes, this one " + label.length);
        }
        out.write(label.length);
        out.writeBytes(label);
    }

    private void u16(int v) {
        out.write(v >> 8);
        out.write(v);
    }
}
