package dev.lancast.rtc.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes RTCP packets into a caller's array; each method returns the bytes written. */
public final class RtcpWriter {
    private RtcpWriter() {}

    public static int writeSenderReport(
            byte[] dst, int off, long ssrc, long ntp, long rtpTs, long packetCount, long octetCount) {
        header(dst, off, 0, RtcpPacket.SR, 28);
        u32(dst, off + 4, ssrc);
        u32(dst, off + 8, ntp >>> 32);
        u32(dst, off + 12, ntp);
        u32(dst, off + 16, rtpTs);
        u32(dst, off + 20, packetCount);
        u32(dst, off + 24, octetCount);
        return 28;
    }

    public static int writeReceiverReport(byte[] dst, int off, long senderSsrc, ReportBlock... blocks) {
        int size = 8 + 24 * blocks.length;
        header(dst, off, blocks.length, RtcpPacket.RR, size);
        u32(dst, off + 4, senderSsrc);
        int at = off + 8;
        for (ReportBlock b : blocks) {
            u32(dst, at, b.ssrc());
            long lost = Math.max(-0x800000, Math.min(0x7FFFFF, b.cumulativeLost()));
            u32(dst, at + 4, ((long) (b.fractionLost() & 0xFF) << 24) | (lost & 0xFFFFFF));
            u32(dst, at + 8, b.extHighestSeq());
            u32(dst, at + 12, b.jitter());
            u32(dst, at + 16, b.lsr());
            u32(dst, at + 20, b.dlsr());
            at += 24;
        }
        return size;
    }

    public static int writeSdesCname(byte[] dst, int off, long ssrc, String cname) {
        byte[] text = cname.getBytes(StandardCharsets.UTF_8);
        int itemLength = Math.min(255, text.length);
        int raw = 4 + 4 + 2 + itemLength + 1; // header, ssrc, type+len, text, end
        int size = (raw + 3) & ~3;
        Arrays.fill(dst, off, off + size, (byte) 0);
        header(dst, off, 1, RtcpPacket.SDES, size);
        u32(dst, off + 4, ssrc);
        dst[off + 8] = 1;
        dst[off + 9] = (byte) itemLength;
        System.arraycopy(text, 0, dst, off + 10, itemLength);
        return size;
    }

    public static int writePli(byte[] dst, int off, long senderSsrc, long mediaSsrc) {
        header(dst, off, 1, RtcpPacket.PSFB, 12);
        u32(dst, off + 4, senderSsrc);
        u32(dst, off + 8, mediaSsrc);
        return 12;
    }

    public static int writeFir(byte[] dst, int off, long senderSsrc, long mediaSsrc, int seqNr) {
        header(dst, off, 4, RtcpPacket.PSFB, 20);
        u32(dst, off + 4, senderSsrc);
        u32(dst, off + 8, 0);
        u32(dst, off + 12, mediaSsrc);
        u32(dst, off + 16, (long) (seqNr & 0xFF) << 24);
        return 20;
    }

    /** REMB (draft-alvestrand-rmcat-remb): the receiver's estimate of what the sender may use. */
    public static int writeRemb(byte[] dst, int off, long senderSsrc, long bitrateBps, long... ssrcs) {
        int size = 20 + 4 * ssrcs.length;
        header(dst, off, 15, RtcpPacket.PSFB, size);
        u32(dst, off + 4, senderSsrc);
        u32(dst, off + 8, 0);
        dst[off + 12] = 'R';
        dst[off + 13] = 'E';
        dst[off + 14] = 'M';
        dst[off + 15] = 'B';
        int exp = 0;
        long mantissa = bitrateBps;
        while (mantissa > 0x3FFFF) {
            mantissa >>>= 1;
            exp++;
        }
        dst[off + 16] = (byte) ssrcs.length;
        dst[off + 17] = (byte) ((exp << 2) | (int) (mantissa >>> 16));
        dst[off + 18] = (byte) (mantissa >>> 8);
        dst[off + 19] = (byte) mantissa;
        for (int i = 0; i < ssrcs.length; i++) {
            u32(dst, off + 20 + 4 * i, ssrcs[i]);
        }
        return size;
    }

    /** Generic NACK (RFC 4585 6.2.1) for the first count sequence numbers of seqs, packed as PID+BLP. */
    public static int writeNack(byte[] dst, int off, long senderSsrc, long mediaSsrc, int[] seqs, int count) {
        int at = off + 12;
        int i = 0;
        while (i < count) {
            int pid = seqs[i] & 0xFFFF;
            int blp = 0;
            int j = i + 1;
            while (j < count) {
                int d = (seqs[j] - pid) & 0xFFFF;
                if (d < 1 || d > 16) {
                    break;
                }
                blp |= 1 << (d - 1);
                j++;
            }
            dst[at] = (byte) (pid >>> 8);
            dst[at + 1] = (byte) pid;
            dst[at + 2] = (byte) (blp >>> 8);
            dst[at + 3] = (byte) blp;
            at += 4;
            i = j;
        }
        int size = at - off;
        header(dst, off, 1, RtcpPacket.RTPFB, size);
        u32(dst, off + 4, senderSsrc);
        u32(dst, off + 8, mediaSsrc);
        return size;
    }

    public static int writeBye(byte[] dst, int off, long ssrc) {
        header(dst, off, 1, RtcpPacket.BYE, 8);
        u32(dst, off + 4, ssrc);
        return 8;
    }

    private static void header(byte[] dst, int off, int countOrFmt, int type, int size) {
        dst[off] = (byte) (0x80 | (countOrFmt & 0x1F));
        dst[off + 1] = (byte) type;
        int words = size / 4 - 1;
        dst[off + 2] = (byte) (words >>> 8);
        dst[off + 3] = (byte) words;
    }

    private static void u32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
