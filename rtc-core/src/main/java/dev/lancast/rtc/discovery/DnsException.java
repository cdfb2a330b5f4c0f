package dev.lancast.rtc.discovery;

/** A datagram on the mDNS port that is not a DNS message within our bounds; the message says why. */
public final class DnsException extends Exception {
    public DnsException(String message) {
        super(message);
    }
}
