package dev.lancast.rtc.dtls;

/** Where a DTLS session writes its records: the ICE path of the session. */
@FunctionalInterface
public interface DatagramOutput {
    void send(byte[] buf, int off, int len);
}
