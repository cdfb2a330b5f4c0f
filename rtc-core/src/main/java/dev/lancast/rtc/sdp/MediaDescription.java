package dev.lancast.rtc.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** One m-section of a session description. */
public final class MediaDescription {
    public enum Direction {
        SENDRECV,
        SENDONLY,
        RECVONLY,
        INACTIVE;

        public String attribute() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String kind;
    private final int port;
    private final String protocol;
    private final List<String> formats;
    private final List<Attribute> attributes;
    private final List<RtpMap> rtpMaps;
    private final List<Candidate> candidates;

    MediaDescription(
            String kind,
            int port,
            String protocol,
            List<String> formats,
            List<Attribute> attributes,
            List<RtpMap> rtpMaps,
            List<Candidate> candidates) {
        this.kind = kind;
        this.port = port;
        this.protocol = protocol;
        this.formats = List.copyOf(formats);
        this.attributes = List.copyOf(attributes);
        this.rtpMaps = List.copyOf(rtpMaps);
        this.candidates = List.copyOf(candidates);
    }

    public String kind() {
        return kind;
    }

    public int port() {
        return port;
    }

    public String protocol() {
        return protocol;
    }

    public List<String> formats() {
        return formats;
    }

    public List<Attribute> attributes() {
        return attributes;
    }

    public Optional<String> attribute(String name) {
        return attributes.stream()
                .filter(a -> a.name().equals(name))
                .map(a -> a.value() == null ? "" : a.value())
                .findFirst();
    }

    public List<String> attributes(String name) {
        return attributes.stream()
                .filter(a -> a.name().equals(name))
                .map(a -> a.value() == null ? "" : a.value())
                .toList();
    }

    public boolean hasFlag(String name) {
        return attributes.stream().anyMatch(a -> a.name().equals(name));
    }

    public String mid() {
        return attribute("mid").orElse(null);
    }

    public Direction direction() {
        for (Direction d : Direction.values()) {
            if (hasFlag(d.attribute())) {
                return d;
            }
        }
        return Direction.SENDRECV;
    }

    /** RTCP on the RTP port: a=rtcp-mux, or a=rtcp-mux-only (RFC 8858), which GStreamer sends with it. */
    public boolean rtcpMux() {
        return hasFlag("rtcp-mux") || hasFlag("rtcp-mux-only");
    }

    /**
     * Whether the offerer wants this section used: a port other than 0, or port 0 with
     * a=bundle-only (RFC 8843 6), which max-bundle offerers (GStreamer's webrtcbin) put on every
     * section but the first of a BUNDLE group; such a section is accepted into the bundle.
     */
    public boolean offered() {
        return port != 0 || hasFlag("bundle-only");
    }

    public List<RtpMap> rtpMaps() {
        return rtpMaps;
    }

    public List<Candidate> candidates() {
        return candidates;
    }

    public Optional<String> fmtp(int pt) {
        String prefix = pt + " ";
        return attributes("fmtp").stream()
                .filter(v -> v.startsWith(prefix))
                .map(v -> v.substring(prefix.length()).trim())
                .findFirst();
    }

    public List<String> rtcpFeedback(int pt) {
        String prefix = pt + " ";
        List<String> out = new ArrayList<>();
        for (String v : attributes("rtcp-fb")) {
            if (v.startsWith(prefix)) {
                out.add(v.substring(prefix.length()).trim());
            } else if (v.startsWith("* ")) {
                out.add(v.substring(2).trim());
            }
        }
        return out;
    }

    /** The first codec of this name (case-insensitive) in format order whose fmtp passes the filter. */
    public Optional<CodecMatch> findCodec(String encoding, Predicate<Map<String, String>> fmtpFilter) {
        for (String format : formats) {
            int pt;
            try {
                pt = Integer.parseInt(format);
            } catch (NumberFormatException e) {
                continue;
            }
            RtpMap map = rtpMaps.stream()
                    .filter(r -> r.payloadType() == pt)
                    .findFirst()
                    .orElse(null);
            if (map == null || !map.encoding().equalsIgnoreCase(encoding)) {
                continue;
            }
            String fmtp = fmtp(pt).orElse(null);
            Map<String, String> params = parseFmtp(fmtp);
            if (fmtpFilter.test(params)) {
                return Optional.of(new CodecMatch(pt, map, fmtp, params, rtcpFeedback(pt)));
            }
        }
        return Optional.empty();
    }

    static Map<String, String> parseFmtp(String fmtp) {
        Map<String, String> params = new LinkedHashMap<>();
        if (fmtp == null) {
            return params;
        }
        for (String part : fmtp.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            params.put(
                    eq < 0 ? p : p.substring(0, eq).trim(),
                    eq < 0 ? "" : p.substring(eq + 1).trim());
        }
        return params;
    }
}
