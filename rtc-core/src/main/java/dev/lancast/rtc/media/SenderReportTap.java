package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;

/**
 * The source's NTP/RTP mapping from its last sender report (RFC 3550 6.4.1), translated into the
 * outgoing timeline of the track's {@link TrackRewriter}, so receivers downstream can keep audio
 * and video in sync; and the report's middle 32 NTP bits and arrival time, for LSR and DLSR in the
 * receiver reports sent back. A report of an SSRC other than the current source's, or before the
 * source's first packet, is not taken. A new source forgets the mapping.
 */
public final class SenderReportTap implements Stage {
    private final TrackRewriter rewriter;
    private long ntp = -1;
    private long rtpTimestamp;
    private long lsr = -1;
    private long receivedNanos;

    public SenderReportTap(TrackRewriter rewriter) {
        this.rewriter = rewriter;
    }

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        return true; // reads sender reports only (onSenderReport); a new source resets it with the others
    }

    @Override
    public void onSourceChanged(Track track, long nowNanos) {
        ntp = -1;
        lsr = -1;
    }

    /** A sender report of senderSsrc; true when it was taken (the mapping is then {@link #ntp}/{@link #rtpTimestamp}). */
    @Override
    public boolean onSenderReport(
            Track track, long senderSsrc, long ntpTimestamp, long srcRtpTimestamp, long nowNanos) {
        if (senderSsrc != rewriter.inSsrc()) {
            return false;
        }
        long out = rewriter.translateTimestamp(srcRtpTimestamp);
        if (out < 0) {
            return false;
        }
        ntp = ntpTimestamp;
        rtpTimestamp = out;
        lsr = (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
        receivedNanos = nowNanos;
        return true;
    }

    public boolean hasMapping() {
        return ntp >= 0;
    }

    /** The last report's NTP timestamp (64-bit), or -1 when there is none. */
    public long ntp() {
        return ntp;
    }

    /** The last report's RTP timestamp in the outgoing timeline. */
    public long rtpTimestamp() {
        return rtpTimestamp;
    }

    /** The middle 32 bits of the last report's NTP timestamp (RFC 3550 LSR), or -1. */
    public long lsr() {
        return lsr;
    }

    /** The time since the last report, in 1/65536 s (RFC 3550 DLSR); 0 when there is none. */
    public long dlsr(long nowNanos) {
        return lsr < 0 ? 0 : (nowNanos - receivedNanos) * 65536 / 1_000_000_000L;
    }

    /** The outgoing packet and octet counts, for the sender report sent on. */
    public long packets() {
        return rewriter.packets();
    }

    public long octets() {
        return rewriter.octets();
    }
}
