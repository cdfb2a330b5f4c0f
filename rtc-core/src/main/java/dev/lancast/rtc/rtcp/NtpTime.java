package dev.lancast.rtc.rtcp;

/** 64-bit NTP timestamps (seconds since 1900 in the high word, fraction in the low word). */
public final class NtpTime {
    private static final long EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private NtpTime() {}

    public static long fromEpochMillis(long millis) {
        long seconds = millis / 1000 + EPOCH_OFFSET_SECONDS;
        long fraction = ((millis % 1000) << 32) / 1000;
        return (seconds << 32) | fraction;
    }

    public static long now() {
        return fromEpochMillis(System.currentTimeMillis());
    }

    /** The middle 32 bits, as used in LSR/DLSR. */
    public static long middle32(long ntp) {
        return (ntp >>> 16) & 0xFFFFFFFFL;
    }
}
