package dev.lancast.gateway.trust;

import java.io.IOException;

/** A request this gateway did not send: the bridge is not verified (the message says why and what to set). */
public final class UntrustedBridgeException extends IOException {
    public UntrustedBridgeException(String message) {
        super(message);
    }
}
