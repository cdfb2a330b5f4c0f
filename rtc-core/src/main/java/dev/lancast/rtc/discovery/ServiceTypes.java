package dev.lancast.rtc.discovery;

/** The DNS-SD service types lancast advertises (docs/architecture.md, "Discovery"). */
public final class ServiceTypes {
    /**
     * A bridge; TXT: v, api (path of its HTTP API), streams (comma-separated names), and
     * scheme=https when the advertised port speaks HTTPS (absent: http).
     */
    public static final String BRIDGE = "_lancast._tcp.local.";
    /** A receiver gateway; TXT: v, subnet (CIDR), url (viewer page), streams, viewers, capacity. */
    public static final String GATEWAY = "_lancast-gw._tcp.local.";
    /** Version of the TXT records above. */
    public static final String VERSION = "1";

    private ServiceTypes() {}
}
