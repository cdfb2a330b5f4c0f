package dev.lancast.rtc.rtcp;

/** One reception report block (RFC 3550 6.4.1). */
public record ReportBlock(
        long ssrc, int fractionLost, long cumulativeLost, long extHighestSeq, long jitter, long lsr, long dlsr) {}
