package dev.lancast.rtc.sdp;

import java.util.Locale;

/** a=fingerprint: the hash algorithm and the certificate digest as colon-separated hex. */
public record Fingerprint(String algorithm, String value) {
    public byte[] bytes() throws SdpException {
        String[] parts = value.split(":");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].length() != 2) {
                throw new SdpException("fingerprint \"" + value + "\" is not colon-separated hex pairs");
            }
            try {
                out[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                throw new SdpException("fingerprint \"" + value + "\" has a non-hex pair \"" + parts[i] + "\"");
            }
        }
        return out;
    }

    public Fingerprint {
        value = value.toUpperCase(Locale.ROOT);
    }
}
