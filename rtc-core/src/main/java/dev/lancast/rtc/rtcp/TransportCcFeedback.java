package dev.lancast.rtc.rtcp;

import dev.lancast.rtc.rtp.SequenceNumbers;
import java.util.Arrays;

/**
 * The receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-
 * extensions-01, the feedback Chromium's send-side estimator runs on): the arrival time of every
 * packet, by the transport-wide sequence number its sender stamps on it, and the RTPFB FMT=15
 * packets that report them. The sender's estimator, not this class, decides the bit rate: with it
 * a browser ramps up within seconds where a fixed REMB left it climbing 8 % a second.
 *
 * <p>Each report covers the sequence numbers since the last one: received ones with their arrival
 * time (a 24-bit reference time in 64 ms and deltas of 250 µs), the others as not received.
 * Status chunks are two-bit status vectors (seven packets each). A packet that arrives after it
 * was reported missing is not reported again. Preallocated, allocation-free; one owner thread.
 */
public final class TransportCcFeedback {
    /** Sequence numbers kept between two reports (at 50 ms, far more than a browser sends). */
    private static final int WINDOW = 2048;
    /** Packets one report covers at most: the feedback stays well under an MTU. */
    static final int MAX_PER_REPORT = 280;

    private static final int HEADER = 20;

    private final long[] arrivalMicros = new long[WINDOW];
    private final long[] seqAt = new long[WINDOW];
    /** The next extended sequence number to report; -1 before the first packet. */
    private long base = -1;

    private long highest = -1;
    private int feedbackCount;
    private long mediaSsrc;

    public TransportCcFeedback() {
        Arrays.fill(seqAt, -1);
    }

    /** A packet with this transport-wide sequence number (16 bits) arrived at arrivalNanos, from media SSRC ssrc. */
    public void onPacket(int transportSeq, long ssrc, long arrivalNanos) {
        long ext = highest < 0 ? 0x10000L + transportSeq : SequenceNumbers.extend(highest, transportSeq);
        if (base < 0) {
            base = ext;
        }
        if (ext < base) {
            return; // reported missing already
        }
        if (ext - base >= WINDOW) {
            base = ext - WINDOW + 1; // a burst the reports could not keep up with: the oldest go unreported
        }
        int i = (int) (ext & (WINDOW - 1));
        seqAt[i] = ext;
        arrivalMicros[i] = arrivalNanos / 1000;
        highest = Math.max(highest, ext);
        mediaSsrc = ssrc;
    }

    /** Whether there is anything to report. */
    public boolean pending() {
        return base >= 0 && highest >= base;
    }

    /**
     * Writes one feedback packet of the packets since the last one (at most {@link #MAX_PER_REPORT};
     * call again while {@link #pending}); returns its length, 0 when there is nothing to report.
     * dst needs room for 1100 bytes.
     */
    public int write(byte[] dst, int off, long senderSsrc) {
        if (!pending()) {
            return 0;
        }
        long first = base;
        int count = (int) Math.min(MAX_PER_REPORT, highest - first + 1);
        // The reference time is the first received packet's arrival (packets missing before it have no delta).
        long firstReceived = first;
        while (seqAt[(int) (firstReceived & (WINDOW - 1))] != firstReceived) {
            firstReceived++; // ends at highest, which was received, at the latest
        }
        long referenceTime = Math.floorDiv(arrivalMicros[(int) (firstReceived & (WINDOW - 1))], 64_000L);
        long lastMicros = referenceTime * 64_000L;
        int chunks = off + HEADER;
        int written = 0;
        int deltas = chunks + 2 * ((count + 6) / 7);
        int deltaPos = deltas;
        int chunk = 0;
        for (; written < count; written++) {
            long ext = first + written;
            int i = (int) (ext & (WINDOW - 1));
            int symbol = 0;
            if (seqAt[i] == ext) {
                long ticks = Math.floorDiv(arrivalMicros[i] - lastMicros, 250L);
                if (ticks >= 0 && ticks <= 255) {
                    symbol = 1;
                    dst[deltaPos++] = (byte) ticks;
                } else if (ticks >= Short.MIN_VALUE && ticks <= Short.MAX_VALUE) {
                    symbol = 2;
                    dst[deltaPos++] = (byte) (ticks >> 8);
                    dst[deltaPos++] = (byte) ticks;
                } else {
                    break; // too far from the previous arrival for one report: the next one starts here
                }
                lastMicros += ticks * 250L;
            }
            chunk |= symbol << (12 - 2 * (written % 7));
            if (written % 7 == 6) {
                putU16(dst, chunks, 0xC000 | chunk);
                chunks += 2;
                chunk = 0;
            }
        }
        if (written % 7 != 0) {
            putU16(dst, chunks, 0xC000 | chunk);
            chunks += 2;
        }
        // The deltas were written after room for every chunk of count packets; a report cut short
        // has fewer chunks, so close the gap.
        if (chunks < deltas) {
            System.arraycopy(dst, deltas, dst, chunks, deltaPos - deltas);
            deltaPos -= deltas - chunks;
        }
        int length = deltaPos - off;
        int padding = (4 - length % 4) % 4;
        for (int p = 0; p < padding; p++) {
            dst[deltaPos + p] = 0;
        }
        if (padding > 0) {
            dst[deltaPos + padding - 1] = (byte) padding;
        }
        length += padding;
        dst[off] = (byte) (0x80 | (padding > 0 ? 0x20 : 0) | 15);
        dst[off + 1] = (byte) RtcpPacket.RTPFB;
        putU16(dst, off + 2, length / 4 - 1);
        putU32(dst, off + 4, senderSsrc);
        putU32(dst, off + 8, mediaSsrc);
        putU16(dst, off + 12, (int) (first & 0xFFFF));
        putU16(dst, off + 14, written);
        dst[off + 16] = (byte) (referenceTime >> 16);
        dst[off + 17] = (byte) (referenceTime >> 8);
        dst[off + 18] = (byte) referenceTime;
        dst[off + 19] = (byte) feedbackCount++;
        base = first + written;
        return length;
    }

    private static void putU16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putU32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
