package dev.lancast.rtc.sdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed session description (RFC 8866) as browsers send them for WHIP and WHEP. Parsing is
 * strict about structure (every line is x=value, v= first, numbers where numbers belong) and
 * tolerant of attributes we do not use.
 */
public final class SessionDescription {
    public static final int MAX_LENGTH = 64 * 1024;
    public static final int MAX_MEDIA = 100;

    /** ICE credentials of a section, taken from the section or else from the session level. */
    public record IceParameters(String ufrag, String pwd, String options) {}

    private final List<Attribute> sessionAttributes;
    private final List<MediaDescription> media;

    private SessionDescription(List<Attribute> sessionAttributes, List<MediaDescription> media) {
        this.sessionAttributes = List.copyOf(sessionAttributes);
        this.media = List.copyOf(media);
    }

    /** RFC 8866 token: the characters a mid (RFC 5888 identification-tag) may have. */
    private static final Pattern MID = Pattern.compile("[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+");

    /** The index of the first control character other than tab, or -1. */
    private static int controlCharacter(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return i;
            }
        }
        return -1;
    }

    public static SessionDescription parse(String text) throws SdpException {
        if (text == null || text.isBlank()) {
            throw new SdpException("the SDP is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new SdpException("the SDP is " + text.length() + " bytes, more than the limit of " + MAX_LENGTH);
        }
        String[] lines = text.split("\r?\n");
        List<Attribute> session = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        MediaBuilder current = null;
        boolean sawVersion = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isEmpty() && i == lines.length - 1) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw SdpException.atLine(number, line, "not of the form <letter>=<value>");
            }
            int control = controlCharacter(line);
            if (control >= 0) {
                // RFC 8866 forbids NUL and lone CR; the other C0 controls vanish in trim() and would
                // make what we echo back (a mid, say) differ from what the peer sent.
                throw SdpException.atLine(
                        number,
                        line.replaceAll("[\\x00-\\x08\\x0A-\\x1F\\x7F]", "?"),
                        String.format(
                                "control character 0x%02X at column %d", (int) line.charAt(control), control + 1));
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (!sawVersion) {
                if (type != 'v' || !value.equals("0")) {
                    throw SdpException.atLine(number, line, "the first line must be v=0");
                }
                sawVersion = true;
                continue;
            }
            switch (type) {
                case 'm' -> {
                    if (current != null) {
                        media.add(current.build());
                    }
                    if (media.size() >= MAX_MEDIA) {
                        throw SdpException.atLine(number, line, "more than " + MAX_MEDIA + " m-lines");
                    }
                    current = MediaBuilder.parse(number, line, value);
                }
                case 'a' -> {
                    Attribute attribute = attribute(value);
                    if (current == null) {
                        session.add(attribute);
                    } else {
                        current.add(number, line, attribute);
                    }
                }
                case 'v' -> throw SdpException.atLine(number, line, "a second v= line");
                default -> {
                    // o=, s=, t=, c=, b= and the rest carry nothing we act on.
                }
            }
        }
        if (!sawVersion) {
            throw new SdpException("line 1: the first line must be v=0");
        }
        if (current != null) {
            media.add(current.build());
        }
        return new SessionDescription(session, media);
    }

    private static Attribute attribute(String value) {
        int colon = value.indexOf(':');
        return colon < 0
                ? new Attribute(value, null)
                : new Attribute(value.substring(0, colon), value.substring(colon + 1));
    }

    public List<MediaDescription> media() {
        return media;
    }

    public List<Attribute> sessionAttributes() {
        return sessionAttributes;
    }

    public Optional<String> sessionAttribute(String name) {
        return sessionAttributes.stream()
                .filter(a -> a.name().equals(name))
                .map(a -> a.value() == null ? "" : a.value())
                .findFirst();
    }

    public boolean iceLite() {
        return sessionAttributes.stream().anyMatch(a -> a.name().equals("ice-lite"));
    }

    public List<String> bundleMids() {
        return sessionAttributes.stream()
                .filter(a -> a.name().equals("group")
                        && a.value() != null
                        && a.value().startsWith("BUNDLE"))
                .flatMap(a -> Arrays.stream(a.value().substring(6).trim().split("\\s+")))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private Optional<String> either(MediaDescription m, String name) {
        Optional<String> local = m.attribute(name);
        return local.isPresent() ? local : sessionAttribute(name);
    }

    public IceParameters ice(MediaDescription m) {
        return new IceParameters(
                either(m, "ice-ufrag").orElse(null),
                either(m, "ice-pwd").orElse(null),
                either(m, "ice-options").orElse(null));
    }

    public Optional<Fingerprint> fingerprint(MediaDescription m) {
        return either(m, "fingerprint").map(v -> {
            String[] parts = v.trim().split("\\s+", 2);
            return new Fingerprint(parts[0], parts.length > 1 ? parts[1] : "");
        });
    }

    public Optional<String> setup(MediaDescription m) {
        return either(m, "setup");
    }

    /** Collects one m-section while parsing and checks its rtpmap and candidate lines. */
    private static final class MediaBuilder {
        private final String kind;
        private final int port;
        private final String protocol;
        private final List<String> formats;
        private final List<Attribute> attributes = new ArrayList<>();
        private final List<RtpMap> rtpMaps = new ArrayList<>();
        private final List<Candidate> candidates = new ArrayList<>();

        private MediaBuilder(String kind, int port, String protocol, List<String> formats) {
            this.kind = kind;
            this.port = port;
            this.protocol = protocol;
            this.formats = formats;
        }

        static MediaBuilder parse(int number, String line, String value) throws SdpException {
            String[] f = value.trim().split("\\s+");
            if (f.length < 4) {
                throw SdpException.atLine(number, line, "an m-line needs media, port, protocol and formats");
            }
            String portField = f[1].contains("/") ? f[1].substring(0, f[1].indexOf('/')) : f[1];
            int port;
            try {
                port = Integer.parseInt(portField);
            } catch (NumberFormatException e) {
                throw SdpException.atLine(number, line, "port \"" + f[1] + "\" is not a number");
            }
            if (port < 0 || port > 65535) {
                throw SdpException.atLine(number, line, "port " + port + " is out of range");
            }
            return new MediaBuilder(f[0], port, f[2], List.of(Arrays.copyOfRange(f, 3, f.length)));
        }

        void add(int number, String line, Attribute a) throws SdpException {
            attributes.add(a);
            if (a.name().equals("rtpmap")) {
                rtpMaps.add(rtpMap(number, line, a.value()));
            } else if (a.name().equals("candidate")) {
                try {
                    candidates.add(Candidate.parse(a.value()));
                } catch (IllegalArgumentException e) {
                    throw SdpException.atLine(number, line, e.getMessage());
                }
            } else if (a.name().equals("mid")
                    && (a.value() == null || !MID.matcher(a.value()).matches())) {
                // The answer lists mids in a=group:BUNDLE separated by spaces: one with a space would split.
                throw SdpException.atLine(number, line, "a mid is a token (RFC 5888, RFC 8866), without spaces");
            }
        }

        private static RtpMap rtpMap(int number, String line, String value) throws SdpException {
            if (value == null) {
                throw SdpException.atLine(number, line, "malformed rtpmap: no value");
            }
            String[] f = value.trim().split("\\s+", 2);
            if (f.length < 2) {
                throw SdpException.atLine(number, line, "malformed rtpmap: expected <pt> <encoding>/<clock>");
            }
            String[] enc = f[1].split("/");
            try {
                int pt = Integer.parseInt(f[0]);
                if (pt < 0 || pt > 127) {
                    throw SdpException.atLine(number, line, "malformed rtpmap: payload type " + pt + " is not 0..127");
                }
                if (enc.length < 2) {
                    throw SdpException.atLine(number, line, "malformed rtpmap: no clock rate");
                }
                return new RtpMap(pt, enc[0], Integer.parseInt(enc[1]), enc.length > 2 ? Integer.parseInt(enc[2]) : 1);
            } catch (NumberFormatException e) {
                throw SdpException.atLine(number, line, "malformed rtpmap: payload type or clock rate is not a number");
            }
        }

        MediaDescription build() {
            return new MediaDescription(kind, port, protocol, formats, attributes, rtpMaps, candidates);
        }
    }
}
