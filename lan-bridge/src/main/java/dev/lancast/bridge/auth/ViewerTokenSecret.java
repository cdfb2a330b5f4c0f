package dev.lancast.bridge.auth;

import java.security.SecureRandom;

/**
 * The secret viewer tokens are MACed with in the public catalog: only authenticated gateways get
 * it, with the group keys. New at each start, and renewed when a gateway credential is revoked
 * (the revoked gateway holds the old one; {@link RotationPacer#revoked}).
 */
public final class ViewerTokenSecret {
    private final SecureRandom random;
    private volatile byte[] current;

    public ViewerTokenSecret(SecureRandom random) {
        this.random = random;
        renew();
    }

    /** The secret in force; the array is never written after it is published here. */
    public byte[] current() {
        return current;
    }

    public void renew() {
        byte[] next = new byte[32];
        random.nextBytes(next);
        current = next;
    }
}
