package dev.lancast.rtc.sdp;

/** a=candidate (RFC 8839 5.1); address may be an mDNS .local name. */
public record Candidate(
        String foundation, int component, String transport, long priority, String address, int port, String type) {
    public Candidate {
        // RFC 8839 5.1: component-id 1..256, priority 1..2^31-1 (we take any 32-bit value), a UDP/TCP port.
        if (component < 1 || component > 256) {
            throw new IllegalArgumentException("malformed candidate: component " + component + " is not 1..256");
        }
        if (priority < 0 || priority > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("malformed candidate: priority " + priority + " is not a 32-bit number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("malformed candidate: port " + port + " is not 0..65535");
        }
    }

    static Candidate parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("malformed candidate: no value");
        }
        String[] f = value.trim().split("\\s+");
        if (f.length < 8 || !f[6].equals("typ")) {
            throw new IllegalArgumentException("malformed candidate");
        }
        try {
            return new Candidate(
                    f[0], Integer.parseInt(f[1]), f[2], Long.parseLong(f[3]), f[4], Integer.parseInt(f[5]), f[7]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed candidate: " + e.getMessage());
        }
    }
}
