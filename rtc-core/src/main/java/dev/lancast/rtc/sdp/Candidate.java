package dev.lancast.rtc.sdp;

/** a=candidate (RFC 8839 5.1); address may be an mDNS .local name. */
public record Candidate(String foundation, int component, String transport, long priority, String address, int port,
                        String type) {

    static Candidate parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("malformed candidate: no value");
        }
        String[] f = value.trim().split("\\s+");
        if (f.length < 8 || !f[6].equals("typ")) {
            throw new IllegalArgumentException("malformed candidate");
        }
        try {
            return new Candidate(f[0], Integer.parseInt(f[1]), f[2], Long.parseLong(f[3]), f[4], Integer.parseInt(f[5]), f[7]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed candidate: " + e.getMessage());
        }
    }
}
