package dev.lancast.rtc.stun;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds the STUN messages ICE needs: binding requests, responses and errors. */
public final class StunMessageBuilder {
    private final ByteArrayOutputStream attributes = new ByteArrayOutputStream();
    private int type = -1;
    private byte[] transactionId;

    public StunMessageBuilder bindingRequest(byte[] txId) {
        return start(StunMessage.BINDING_REQUEST, txId);
    }

    public StunMessageBuilder bindingSuccess(byte[] txId) {
        return start(StunMessage.BINDING_SUCCESS, txId);
    }

    public StunMessageBuilder bindingError(byte[] txId, int code, String reason) {
        start(StunMessage.BINDING_ERROR, txId);
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[4 + text.length];
        value[2] = (byte) (code / 100);
        value[3] = (byte) (code % 100);
        System.arraycopy(text, 0, value, 4, text.length);
        return attribute(StunMessage.ATTR_ERROR_CODE, value);
    }

    private StunMessageBuilder start(int messageType, byte[] txId) {
        if (txId == null || txId.length != 12) {
            throw new IllegalArgumentException("a transaction id has 12 bytes");
        }
        this.type = messageType;
        this.transactionId = txId.clone();
        return this;
    }

    public StunMessageBuilder username(String username) {
        return attribute(StunMessage.ATTR_USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessageBuilder priority(long priority) {
        byte[] v = new byte[4];
        StunMessage.putU32(v, 0, (int) priority);
        return attribute(StunMessage.ATTR_PRIORITY, v);
    }

    public StunMessageBuilder iceControlling(long tieBreaker) {
        return attribute(StunMessage.ATTR_ICE_CONTROLLING, u64(tieBreaker));
    }

    public StunMessageBuilder iceControlled(long tieBreaker) {
        return attribute(StunMessage.ATTR_ICE_CONTROLLED, u64(tieBreaker));
    }

    public StunMessageBuilder useCandidate() {
        return attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[0]);
    }

    public StunMessageBuilder xorMappedAddress(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (ip.length == 4 ? 1 : 2);
        StunMessage.putU16(v, 2, address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16));
        byte[] mask = new byte[16];
        StunMessage.putU32(mask, 0, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, mask, 4, 12);
        for (int i = 0; i < ip.length; i++) {
            v[4 + i] = (byte) (ip[i] ^ mask[i]);
        }
        return attribute(StunMessage.ATTR_XOR_MAPPED_ADDRESS, v);
    }

    private StunMessageBuilder attribute(int attrType, byte[] value) {
        if (type < 0) {
            throw new IllegalStateException("choose the message type first");
        }
        byte[] header = new byte[4];
        StunMessage.putU16(header, 0, attrType);
        StunMessage.putU16(header, 2, value.length);
        attributes.writeBytes(header);
        attributes.writeBytes(value);
        attributes.writeBytes(new byte[(4 - value.length % 4) % 4]);
        return this;
    }

    /** The encoded message, with MESSAGE-INTEGRITY when a key is given and FINGERPRINT if asked. */
    public byte[] build(byte[] integrityKey, boolean addFingerprint) {
        byte[] body = attributes.toByteArray();
        int length =
                StunMessage.HEADER_LENGTH + body.length + (integrityKey != null ? 24 : 0) + (addFingerprint ? 8 : 0);
        byte[] out = new byte[length];
        StunMessage.putU16(out, 0, type);
        StunMessage.putU32(out, 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, out, 8, 12);
        System.arraycopy(body, 0, out, StunMessage.HEADER_LENGTH, body.length);
        int pos = StunMessage.HEADER_LENGTH + body.length;
        if (integrityKey != null) {
            StunMessage.putU16(out, 2, pos + 24 - StunMessage.HEADER_LENGTH);
            byte[] mac = StunMessage.hmacSha1(integrityKey, out, pos);
            StunMessage.putU16(out, pos, StunMessage.ATTR_MESSAGE_INTEGRITY);
            StunMessage.putU16(out, pos + 2, 20);
            System.arraycopy(mac, 0, out, pos + 4, 20);
            pos += 24;
        }
        if (addFingerprint) {
            StunMessage.putU16(out, 2, pos + 8 - StunMessage.HEADER_LENGTH);
            int crc = StunMessage.fingerprint(out, pos);
            StunMessage.putU16(out, pos, StunMessage.ATTR_FINGERPRINT);
            StunMessage.putU16(out, pos + 2, 4);
            StunMessage.putU32(out, pos + 4, crc);
            pos += 8;
        }
        StunMessage.putU16(out, 2, pos - StunMessage.HEADER_LENGTH);
        return Arrays.copyOf(out, pos);
    }

    private static byte[] u64(long v) {
        byte[] b = new byte[8];
        StunMessage.putU32(b, 0, (int) (v >>> 32));
        StunMessage.putU32(b, 4, (int) v);
        return b;
    }
}
