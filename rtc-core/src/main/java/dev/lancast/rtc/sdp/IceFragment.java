package dev.lancast.rtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@code application/trickle-ice-sdpfrag} body (RFC 8840 9): ICE credentials and options at
 * its top, then m-lines each with a=mid, candidates and a=end-of-candidates. WHIP and WHEP clients
 * PATCH one to trickle candidates or restart ICE (RFC 9725 4.3). Parsing is as strict as for a
 * full description: every line is a=value or m=value, candidates must parse.
 */
public record IceFragment(
        String ufrag,
        String pwd,
        String mediaLine,
        List<String> mids,
        List<Candidate> candidates,
        boolean endOfCandidates) {
    public static final String MEDIA_TYPE = "application/trickle-ice-sdpfrag";

    public IceFragment {
        mids = List.copyOf(mids);
        candidates = List.copyOf(candidates);
    }

    public static IceFragment parse(String text) throws SdpException {
        if (text == null) {
            throw new SdpException("the SDP fragment is empty");
        }
        if (text.length() > SessionDescription.MAX_LENGTH) {
            throw new SdpException("the SDP fragment is " + text.length() + " bytes, more than the limit of "
                    + SessionDescription.MAX_LENGTH);
        }
        String ufrag = null;
        String pwd = null;
        String mediaLine = null;
        List<String> mids = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        boolean end = false;
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isEmpty() && i == lines.length - 1) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || (line.charAt(0) != 'a' && line.charAt(0) != 'm')) {
                throw SdpException.atLine(number, line, "an SDP fragment has only a= and m= lines (RFC 8840 9.2)");
            }
            for (int c = 0; c < line.length(); c++) {
                char ch = line.charAt(c);
                if ((ch < 0x20 && ch != '\t') || ch == 0x7F) {
                    throw SdpException.atLine(
                            number,
                            line.replaceAll("[\\x00-\\x08\\x0A-\\x1F\\x7F]", "?"),
                            String.format("control character 0x%02X at column %d", (int) ch, c + 1));
                }
            }
            if (line.charAt(0) == 'm') {
                if (mediaLine == null) {
                    mediaLine = line;
                }
                continue;
            }
            String value = line.substring(2);
            int colon = value.indexOf(':');
            String name = colon < 0 ? value : value.substring(0, colon);
            String arg = colon < 0 ? null : value.substring(colon + 1).trim();
            switch (name) {
                case "ice-ufrag" -> ufrag = same(number, line, ufrag, arg);
                case "ice-pwd" -> pwd = same(number, line, pwd, arg);
                case "mid" -> {
                    if (arg == null || arg.isEmpty()) {
                        throw SdpException.atLine(number, line, "a=mid needs a value"); // fuzzing found it
                    }
                    mids.add(arg);
                }
                case "candidate" -> {
                    try {
                        candidates.add(Candidate.parse(arg));
                    } catch (IllegalArgumentException e) {
                        throw SdpException.atLine(number, line, e.getMessage());
                    }
                }
                case "end-of-candidates" -> end = true;
                default -> {
                    // a=ice-options, a=group and extensions carry nothing we act on.
                }
            }
        }
        if ((ufrag == null) != (pwd == null)) {
            throw new SdpException("the SDP fragment has "
                    + (ufrag == null ? "a=ice-pwd without a=ice-ufrag" : "a=ice-ufrag without a=ice-pwd"));
        }
        return new IceFragment(ufrag, pwd, mediaLine, mids, candidates, end);
    }

    /** A fragment's sections all belong to one ICE session: different credentials in it are an error. */
    private static String same(int number, String line, String previous, String value) throws SdpException {
        if (value == null || value.isEmpty()) {
            throw SdpException.atLine(number, line, "no value");
        }
        if (previous != null && !previous.equals(value)) {
            throw SdpException.atLine(number, line, "a second, different ICE credential in one fragment");
        }
        return value;
    }

    /**
     * Our side of an ICE restart: new credentials, then the fragment's first section (RFC 8840 says
     * its m-line repeats the client's; a default one when it sent none) with our candidate.
     */
    public String answer(String newUfrag, String newPwd, String candidate) {
        String mid = mids.isEmpty() ? null : mids.get(0);
        StringBuilder out = new StringBuilder(256);
        AnswerBuilder.line(out, "a=ice-lite");
        AnswerBuilder.line(out, "a=ice-ufrag:" + newUfrag);
        AnswerBuilder.line(out, "a=ice-pwd:" + newPwd);
        AnswerBuilder.line(out, mediaLine != null ? mediaLine : "m=audio 9 UDP/TLS/RTP/SAVPF 0");
        if (mid != null) {
            AnswerBuilder.line(out, "a=mid:" + mid);
        }
        AnswerBuilder.line(out, "a=" + candidate);
        AnswerBuilder.line(out, "a=end-of-candidates");
        return out.toString();
    }
}
