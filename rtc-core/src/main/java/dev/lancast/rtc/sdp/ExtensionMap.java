package dev.lancast.rtc.sdp;

/**
 * RTP header extensions (RFC 8285) an m-section negotiates with {@code a=extmap:<id>[/<direction>]
 * <uri>}: the ids lancast reads, by URI. The answer repeats the offer's id for each extension it
 * uses (RFC 8285 6) and leaves out the others.
 */
public final class ExtensionMap {
    /** RFC 8852 RtpStreamId: the RID of a simulcast stream. */
    public static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** RFC 8843 MID. */
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** The transport-wide sequence number of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
    public static final String TRANSPORT_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    private ExtensionMap() {}

    /**
     * The id the section gives the extension with this URI, or -1 when it has none (or a malformed
     * one: an id outside 1..255, or one of the one-byte form's reserved 15).
     */
    public static int idOf(MediaDescription m, String uri) {
        for (String value : m.attributes("extmap")) {
            String[] f = value.trim().split("\\s+");
            if (f.length < 2 || !f[1].equals(uri)) {
                continue;
            }
            String id = f[0].contains("/") ? f[0].substring(0, f[0].indexOf('/')) : f[0];
            try {
                int n = Integer.parseInt(id);
                return n >= 1 && n <= 255 && n != 15 ? n : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** The answer's attribute value (without "a=") for an extension used with the offer's id. */
    public static String answer(int id, String uri) {
        return "extmap:" + id + " " + uri;
    }
}
