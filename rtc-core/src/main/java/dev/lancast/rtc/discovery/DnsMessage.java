package dev.lancast.rtc.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A DNS message as multicast DNS carries it (RFC 1035 4.1, RFC 6762 18): its questions and its
 * records, of which only the types DNS-SD needs are read (PTR, SRV, TXT, A); the others keep their
 * name, type and TTL, with no data. Anyone on the link can send one, so parsing is bounded: names
 * of at most 255 bytes with at most {@value #MAX_POINTERS} compression pointers, at most
 * {@value #MAX_QUESTIONS} questions and {@value #MAX_RECORDS} records. Names come back lower case
 * (DNS compares them without case); a PTR's target also comes with its first label as sent (a
 * DNS-SD instance name, for display: {@link Record#label}).
 */
public record DnsMessage(int id, boolean response, List<Question> questions, List<Record> records) {
    public static final int TYPE_A = 1;
    public static final int TYPE_PTR = 12;
    public static final int TYPE_TXT = 16;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_SRV = 33;
    public static final int TYPE_ANY = 255;
    static final int MAX_QUESTIONS = 64;
    static final int MAX_RECORDS = 128;
    private static final int MAX_POINTERS = 32;
    private static final int MAX_NAME = 255;

    public DnsMessage {
        questions = List.copyOf(questions);
        records = List.copyOf(records);
    }

    /** A question; {@code unicast} is the QU bit (RFC 6762 5.4). */
    public record Question(String name, int type, boolean unicast) {}

    /**
     * A resource record of the answer, authority or additional section.
     *
     * @param cacheFlush the cache-flush bit (RFC 6762 10.2): this set replaces what was cached
     * @param target     PTR: the name pointed to; SRV: the host; else null
     * @param label      PTR: the first label of the target as sent (may hold dots or any byte); else null
     * @param port       SRV: the port; else 0
     * @param txt        TXT: the strings; else empty
     * @param address    A: the IPv4 address; else null
     */
    public record Record(
            String name,
            int type,
            boolean cacheFlush,
            long ttl,
            String target,
            String label,
            int port,
            List<String> txt,
            InetAddress address) {
        public Record {
            txt = List.copyOf(txt);
        }
    }

    /** Parses one datagram; a message that breaks the format or the bounds is a {@link DnsException}. */
    public static DnsMessage parse(byte[] buf, int off, int len) throws DnsException {
        if (off < 0 || len < 12 || off + len > buf.length) {
            throw new DnsException("shorter than a DNS header");
        }
        Reader r = new Reader(buf, off, len);
        int id = r.u16();
        int flags = r.u16();
        int qd = r.u16();
        int an = r.u16();
        int ns = r.u16();
        int ar = r.u16();
        if ((flags & 0x7800) != 0) {
            throw new DnsException("opcode " + ((flags >> 11) & 0xF) + " is not a query");
        }
        if (qd > MAX_QUESTIONS || an + ns + ar > MAX_RECORDS) {
            throw new DnsException("too many entries: " + qd + " questions, " + (an + ns + ar) + " records");
        }
        List<Question> questions = new ArrayList<>(qd);
        for (int i = 0; i < qd; i++) {
            String name = r.name();
            int type = r.u16();
            int cls = r.u16();
            questions.add(new Question(name, type, (cls & 0x8000) != 0));
        }
        List<Record> records = new ArrayList<>(an + ns + ar);
        for (int i = 0; i < an + ns + ar; i++) {
            records.add(r.record());
        }
        return new DnsMessage(id, (flags & 0x8000) != 0, questions, records);
    }

    /** Lower case as DNS compares (ASCII only: RFC 6762 16). */
    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static final class Reader {
        private final byte[] buf;
        private final int start;
        private final int end;
        private int at;
        /** The first label of the last name read, as sent. */
        private String firstLabel;

        Reader(byte[] buf, int off, int len) {
            this.buf = buf;
            this.start = off;
            this.end = off + len;
            this.at = off;
        }

        int u8() throws DnsException {
            need(1);
            return buf[at++] & 0xFF;
        }

        int u16() throws DnsException {
            need(2);
            int v = (buf[at] & 0xFF) << 8 | (buf[at + 1] & 0xFF);
            at += 2;
            return v;
        }

        long u32() throws DnsException {
            need(4);
            long v = (buf[at] & 0xFFL) << 24
                    | (buf[at + 1] & 0xFF) << 16
                    | (buf[at + 2] & 0xFF) << 8
                    | (buf[at + 3] & 0xFF);
            at += 4;
            return v;
        }

        void need(int n) throws DnsException {
            if (at + n > end) {
                throw new DnsException("truncated at byte " + (at - start));
            }
        }

        /** A name as dotted labels with a final dot, lower case; its first label as sent in {@link #firstLabel}. */
        String name() throws DnsException {
            firstLabel = null;
            StringBuilder out = new StringBuilder();
            int pos = at;
            int resume = -1;
            int pointers = 0;
            int length = 0;
            while (true) {
                if (pos >= end) {
                    throw new DnsException("name runs past the message");
                }
                int b = buf[pos] & 0xFF;
                if ((b & 0xC0) == 0xC0) {
                    if (pos + 1 >= end) {
                        throw new DnsException("truncated compression pointer");
                    }
                    if (++pointers > MAX_POINTERS) {
                        throw new DnsException("too many compression pointers");
                    }
                    if (resume < 0) {
                        resume = pos + 2;
                    }
                    int target = start + ((b & 0x3F) << 8 | (buf[pos + 1] & 0xFF));
                    if (target >= pos) {
                        throw new DnsException("compression pointer does not point backwards");
                    }
                    pos = target;
                } else if ((b & 0xC0) != 0) {
                    throw new DnsException("label type " + (b >> 6) + " is not supported");
                } else if (b == 0) {
                    at = resume >= 0 ? resume : pos + 1;
                    if (out.length() == 0) {
                        return ".";
                    }
                    return out.toString();
                } else {
                    if (pos + 1 + b > end) {
                        throw new DnsException("label runs past the message");
                    }
                    length += b + 1;
                    if (length > MAX_NAME) {
                        throw new DnsException("name longer than " + MAX_NAME + " bytes");
                    }
                    String label = new String(buf, pos + 1, b, StandardCharsets.UTF_8);
                    if (firstLabel == null) {
                        firstLabel = label;
                    }
                    out.append(lower(label)).append('.');
                    pos += 1 + b;
                }
            }
        }

        Record record() throws DnsException {
            String name = name();
            int type = u16();
            int cls = u16();
            long ttl = u32();
            int rdlength = u16();
            need(rdlength);
            int rdataEnd = at + rdlength;
            String target = null;
            String label = null;
            int port = 0;
            List<String> txt = List.of();
            InetAddress address = null;
            switch (type) {
                case TYPE_PTR -> {
                    target = inRdata(rdataEnd);
                    label = firstLabel;
                }
                case TYPE_SRV -> {
                    if (rdlength < 7) {
                        throw new DnsException("SRV record of " + rdlength + " bytes");
                    }
                    at += 4; // priority, weight: DNS-SD gives one target per instance
                    port = u16();
                    target = inRdata(rdataEnd);
                }
                case TYPE_TXT -> txt = strings(rdataEnd);
                case TYPE_A -> {
                    if (rdlength != 4) {
                        throw new DnsException("A record of " + rdlength + " bytes");
                    }
                    try {
                        address = InetAddress.getByAddress(Arrays.copyOfRange(buf, at, at + 4));
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e); // 4 bytes are always an address
                    }
                }
                default -> {}
            }
            at = rdataEnd;
            return new Record(name, type, (cls & 0x8000) != 0, ttl, target, label, port, txt, address);
        }

        /** A name inside record data, which must end within it. */
        private String inRdata(int rdataEnd) throws DnsException {
            String n = name();
            if (at > rdataEnd) {
                throw new DnsException("name runs past its record");
            }
            return n;
        }

        private List<String> strings(int rdataEnd) throws DnsException {
            List<String> out = new ArrayList<>();
            while (at < rdataEnd) {
                int n = u8();
                if (at + n > rdataEnd) {
                    throw new DnsException("TXT string runs past its record");
                }
                out.add(new String(buf, at, n, StandardCharsets.UTF_8));
                at += n;
            }
            return out;
        }
    }
}
