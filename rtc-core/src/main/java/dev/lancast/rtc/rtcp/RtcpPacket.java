package dev.lancast.rtc.rtcp;

import java.util.function.IntConsumer;

/**
 * A reusable view of a compound RTCP packet (RFC 3550, RFC 4585, RFC 5104, REMB). {@link #wrap}
 * validates every sub-packet; {@link #next} steps through them; the getters read the current one.
 * No allocation per packet.
 */
public final class RtcpPacket {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int RTPFB = 205;
    public static final int PSFB = 206;

    private byte[] buf;
    private int start;
    private int end;
    private int cursor;
    private int current = -1;
    private int currentLength;
    private String invalidReason;

    public boolean wrap(byte[] buffer, int offset, int length) {
        this.buf = buffer;
        this.start = offset;
        this.end = offset + length;
        this.cursor = offset;
        this.current = -1;
        if (length < 8) {
            return invalid("shorter than an RTCP header");
        }
        int pos = offset;
        while (pos < end) {
            if (pos + 4 > end) {
                return invalid("truncated RTCP header at byte " + (pos - offset));
            }
            if ((buffer[pos] & 0xC0) != 0x80) {
                return invalid("RTCP version is not 2");
            }
            int words = u16(pos + 2);
            int size = 4 * (words + 1);
            if (pos + size > end) {
                return invalid("RTCP length field points past the end");
            }
            if (size < 8 && (buffer[pos + 1] & 0xFF) != BYE) {
                return invalid("RTCP packet without a sender SSRC");
            }
            int type = buffer[pos + 1] & 0xFF;
            if ((type == RTPFB || type == PSFB) && size < 12) {
                return invalid("feedback packet shorter than 12 bytes");
            }
            if ((type == SR && size < 28 + 24 * count(pos)) || (type == RR && size < 8 + 24 * count(pos))) {
                return invalid("report blocks overrun the packet");
            }
            pos += size;
        }
        invalidReason = null;
        return true;
    }

    private boolean invalid(String reason) {
        invalidReason = reason;
        return false;
    }

    public String invalidReason() {
        return invalidReason;
    }

    /** Steps to the next sub-packet; false at the end. */
    public boolean next() {
        if (cursor >= end) {
            return false;
        }
        current = cursor;
        currentLength = 4 * (u16(cursor + 2) + 1);
        cursor += currentLength;
        return true;
    }

    private int count(int at) {
        return buf[at] & 0x1F;
    }

    public int packetType() {
        return buf[current + 1] & 0xFF;
    }

    public int countOrFmt() {
        return count(current);
    }

    public int packetOffset() {
        return current;
    }

    public int packetLength() {
        return currentLength;
    }

    public long senderSsrc() {
        return currentLength >= 8 ? u32(current + 4) : -1;
    }

    /** The media source SSRC of a feedback packet (RTPFB/PSFB). */
    public long mediaSsrc() {
        return u32(current + 8);
    }

    public long srNtpTimestamp() {
        return (u32(current + 8) << 32) | u32(current + 12);
    }

    public long srRtpTimestamp() {
        return u32(current + 16);
    }

    public long srPacketCount() {
        return u32(current + 20);
    }

    public long srOctetCount() {
        return u32(current + 24);
    }

    public int reportCount() {
        int type = packetType();
        return type == SR || type == RR ? countOrFmt() : 0;
    }

    private int block(int i) {
        return current + (packetType() == SR ? 28 : 8) + 24 * i;
    }

    public long reportSsrc(int i) {
        return u32(block(i));
    }

    public int reportFractionLost(int i) {
        return buf[block(i) + 4] & 0xFF;
    }

    public long reportCumulativeLost(int i) {
        int b = block(i) + 5;
        int v = ((buf[b] & 0xFF) << 16) | ((buf[b + 1] & 0xFF) << 8) | (buf[b + 2] & 0xFF);
        return (v << 8) >> 8; // 24-bit signed
    }

    public long reportHighestSeq(int i) {
        return u32(block(i) + 8);
    }

    public long reportJitter(int i) {
        return u32(block(i) + 12);
    }

    public long reportLsr(int i) {
        return u32(block(i) + 16);
    }

    public long reportDlsr(int i) {
        return u32(block(i) + 20);
    }

    public boolean isPli() {
        return packetType() == PSFB && countOrFmt() == 1;
    }

    public boolean isFir() {
        return packetType() == PSFB && countOrFmt() == 4;
    }

    public boolean isNack() {
        return packetType() == RTPFB && countOrFmt() == 1;
    }

    /** The SSRC a keyframe is asked for: the media SSRC of a PLI, the first FCI entry of a FIR. */
    public long keyframeSsrc() {
        if (isFir()) {
            return currentLength >= 20 ? u32(current + 12) : -1;
        }
        return mediaSsrc();
    }

    public boolean isRemb() {
        return packetType() == PSFB
                && countOrFmt() == 15
                && currentLength >= 20
                && buf[current + 12] == 'R'
                && buf[current + 13] == 'E'
                && buf[current + 14] == 'M'
                && buf[current + 15] == 'B';
    }

    public long rembBitrate() {
        int exp = (buf[current + 17] & 0xFC) >>> 2;
        long mantissa =
                ((buf[current + 17] & 0x03L) << 16) | ((buf[current + 18] & 0xFF) << 8) | (buf[current + 19] & 0xFF);
        // 18 bits shifted by up to 63 overflow a long; such an estimate means "no limit".
        return exp > Long.numberOfLeadingZeros(mantissa) - 1 ? Long.MAX_VALUE : mantissa << exp;
    }

    public int nackCount() {
        return isNack() ? (currentLength - 12) / 4 : 0;
    }

    /** Calls back with every sequence number a generic NACK asks for (PID plus BLP bits). */
    public void forEachNackedSequence(IntConsumer consumer) {
        for (int i = 0; i < nackCount(); i++) {
            int at = current + 12 + 4 * i;
            int pid = u16(at);
            int blp = u16(at + 2);
            consumer.accept(pid);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    consumer.accept((pid + bit + 1) & 0xFFFF);
                }
            }
        }
    }

    private int u16(int at) {
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    private long u32(int at) {
        return ((long) (buf[at] & 0xFF) << 24)
                | ((buf[at + 1] & 0xFF) << 16)
                | ((buf[at + 2] & 0xFF) << 8)
                | (buf[at + 3] & 0xFF);
    }
}
