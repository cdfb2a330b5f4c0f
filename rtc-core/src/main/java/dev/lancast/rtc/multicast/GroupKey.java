package dev.lancast.rtc.multicast;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** One group key: the SRTP master key and salt of a multicast stream (AEAD_AES_128_GCM) and its id. */
public record GroupKey(int id, byte[] key, byte[] salt) {
    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 12;

    public GroupKey {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("key id must be 0..255, got " + id);
        }
        if (key.length != KEY_LENGTH || salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("group key needs a 16-byte key and a 12-byte salt");
        }
        key = key.clone();
        salt = salt.clone();
    }

    public static GroupKey generate(int id, SecureRandom random) {
        byte[] key = new byte[KEY_LENGTH];
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(key);
        random.nextBytes(salt);
        return new GroupKey(id, key, salt);
    }

    /** Parses the config form: 56 hex digits, the key followed by the salt. */
    public static GroupKey fromHex(int id, String hex) {
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("group key is not hexadecimal");
        }
        if (bytes.length != KEY_LENGTH + SALT_LENGTH) {
            throw new IllegalArgumentException("group key must be 56 hex digits (16-byte key + 12-byte salt), got "
                    + hex.trim().length());
        }
        byte[] key = Arrays.copyOfRange(bytes, 0, KEY_LENGTH);
        byte[] salt = Arrays.copyOfRange(bytes, KEY_LENGTH, bytes.length);
        return new GroupKey(id, key, salt);
    }

    /** Whether other holds the same key and salt (whatever its id). */
    public boolean sameMaterial(GroupKey other) {
        return MessageDigest.isEqual(key, other.key) && MessageDigest.isEqual(salt, other.salt);
    }

    public String toHex() {
        return HexFormat.of().formatHex(key) + HexFormat.of().formatHex(salt);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public String toString() {
        return "GroupKey[id=" + id + "]";
    }
}
