package dev.lancast.rtc.tls;

/**
 * A certificate or key file that cannot be used. {@link #field()} is the config key that named it
 * ("certificate", "privateKey", "clientCa", "ca"), so the caller can point at the line.
 */
public final class TlsFileException extends Exception {
    private final String field;

    public TlsFileException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
