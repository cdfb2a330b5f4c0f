package dev.lancast.rtc.stun;

/** A datagram that claims to be STUN but is not well formed; the message says what is wrong. */
public final class StunException extends Exception {
    public StunException(String message) {
        super(message, null, false, false);
    }
}
