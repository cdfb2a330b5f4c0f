package dev.lancast.rtc.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an offer's m-section asks of a receiver of simulcast (RFC 8853 {@code a=simulcast}, RFC 8851
 * {@code a=rid}): the RTP streams the offerer would send, in the offer's order, each named by its
 * RID. An entry this parser cannot use is not silently dropped: it is listed with the reason, and
 * the answer ({@link #answer}) declines it by leaving it out, as RFC 8853 5.3 lets an answerer do.
 * RID order carries no quality order (Chromium lists low to high, others need not): receivers
 * order layers by what they measure.
 *
 * @param layers   the streams the offerer would send, one RID each (the first usable alternative)
 * @param declined RIDs the offer names that cannot be received, with why
 */
public record Simulcast(List<Layer> layers, List<Declined> declined) {
    /** One simulcast RTP stream the offerer sends: its RID, and whether it starts paused ({@code ~}). */
    public record Layer(String rid, boolean paused) {}

    /** A RID (or a malformed entry, as written) that the answer leaves out, and why. */
    public record Declined(String rid, String reason) {}

    /**
     * RFC 8851 rid-id: alphanumerics, '-' and '_'. At most 16 characters: an RFC 8852 RID travels in
     * a one-byte header extension (16 bytes at most); browsers use one to three characters.
     */
    private static final Pattern RID = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    /** More entries than any encoder sends are not parsed (a bound on the work a hostile offer costs). */
    static final int MAX_ENTRIES = 16;

    public static final Simulcast NONE = new Simulcast(List.of(), List.of());

    /** Whether s is a rid-id lancast takes (RFC 8851, at most 16 characters). */
    public static boolean isRid(String s) {
        return s != null && RID.matcher(s).matches();
    }

    public Simulcast {
        layers = List.copyOf(layers);
        declined = List.copyOf(declined);
    }

    /** Whether the offer asks to send simulcast at all (RIDs listed, usable or not). */
    public boolean offered() {
        return !layers.isEmpty() || !declined.isEmpty();
    }

    /**
     * The simulcast the section's offerer would send (its {@code a=simulcast} send list), with the
     * RIDs checked against its {@code a=rid} lines; {@link #NONE} without {@code a=simulcast}.
     *
     * @param payloadType the format the answer chooses: a RID restricted to other formats ({@code pt=})
     *                    is declined
     */
    public static Simulcast ofOffer(MediaDescription m, int payloadType) {
        List<String> lines = m.attributes("simulcast");
        if (lines.isEmpty()) {
            return NONE;
        }
        List<Declined> declined = new ArrayList<>();
        if (lines.size() > 1) {
            return new Simulcast(List.of(), List.of(new Declined(lines.get(0), "more than one a=simulcast line")));
        }
        String sendList = sendList(lines.get(0));
        if (sendList == null) {
            return new Simulcast(
                    List.of(),
                    List.of(new Declined(
                            lines.get(0), "a=simulcast without a 'send' list (RFC 8853: send <rid>;<rid>...)")));
        }
        Map<String, RidLine> rids = ridLines(m, declined);
        List<Layer> layers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] streams = sendList.split(";", -1);
        for (int s = 0; s < streams.length; s++) {
            if (s >= MAX_ENTRIES) {
                declined.add(new Declined(streams[s], "more than " + MAX_ENTRIES + " simulcast streams"));
                continue;
            }
            Layer chosen = null;
            for (String alternative : streams[s].split(",", -1)) {
                boolean paused = alternative.startsWith("~");
                String rid = paused ? alternative.substring(1) : alternative;
                String reason = chosen != null
                        ? "an alternative of " + chosen.rid() + " (one RTP stream per layer)"
                        : unusable(rid, rids, seen, payloadType);
                if (reason != null) {
                    declined.add(new Declined(alternative.isEmpty() ? "(empty)" : alternative, reason));
                    continue;
                }
                seen.add(rid);
                chosen = new Layer(rid, paused);
                layers.add(chosen);
            }
        }
        return new Simulcast(layers, declined);
    }

    /** Why a RID of the send list cannot be received, or null when it can. */
    private static String unusable(String rid, Map<String, RidLine> rids, Set<String> seen, int payloadType) {
        if (!RID.matcher(rid).matches()) {
            return "not a RID (RFC 8851: 1-16 of A-Z a-z 0-9 - _)";
        }
        if (seen.contains(rid)) {
            return "listed twice";
        }
        RidLine line = rids.get(rid);
        if (line == null) {
            return "no a=rid:" + rid + " send line";
        }
        if (!line.send()) {
            return "its a=rid line is not 'send'";
        }
        if (line.payloadTypes() != null && !line.payloadTypes().contains(payloadType)) {
            return "restricted to payload types " + line.payloadTypes() + ", not the chosen " + payloadType;
        }
        return null;
    }

    /** The send list of an a=simulcast value ("send a;b recv c" or "recv c send a;b"), or null. */
    private static String sendList(String value) {
        String[] parts = value.trim().split("\\s+");
        if (parts.length != 2 && parts.length != 4) {
            return null;
        }
        for (int i = 0; i + 1 < parts.length; i += 2) {
            if (!parts[i].equals("send") && !parts[i].equals("recv")) {
                return null;
            }
            if (parts[i].equals("send")) {
                return parts[i + 1];
            }
        }
        return null;
    }

    private record RidLine(boolean send, Set<Integer> payloadTypes) {}

    /** The section's a=rid lines by RID; malformed ones are declined. */
    private static Map<String, RidLine> ridLines(MediaDescription m, List<Declined> declined) {
        Map<String, RidLine> out = new LinkedHashMap<>();
        List<String> lines = m.attributes("rid");
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+", 3);
            if (i >= 2 * MAX_ENTRIES) {
                declined.add(new Declined(f[0], "more than " + 2 * MAX_ENTRIES + " a=rid lines"));
                continue;
            }
            if (f.length < 2 || !RID.matcher(f[0]).matches() || !(f[1].equals("send") || f[1].equals("recv"))) {
                declined.add(new Declined(
                        f[0].isEmpty() ? "(empty)" : f[0],
                        "malformed a=rid line (RFC 8851: a=rid:<id> send|recv [params])"));
                continue;
            }
            Set<Integer> pts = null;
            if (f.length == 3 && f[2].startsWith("pt=")) {
                pts = new HashSet<>();
                String list = f[2].substring(3).split(";", 2)[0];
                for (String pt : list.split(",")) {
                    try {
                        pts.add(Integer.parseInt(pt.trim()));
                    } catch (NumberFormatException e) {
                        declined.add(new Declined(f[0], "a=rid pt= list holds '" + pt + "', not a payload type"));
                        pts = null;
                        break;
                    }
                }
                if (pts == null) {
                    continue;
                }
            }
            out.putIfAbsent(f[0], new RidLine(f[1].equals("send"), pts));
        }
        return out;
    }

    /**
     * The answer's attribute values (without "a=") receiving the first {@code max} layers: one
     * {@code rid:<id> recv} per layer and {@code simulcast:recv <id>;<id>} (a paused layer keeps
     * its {@code ~}); the rest are left out, which declines them. Empty for no layer: the answer
     * then has no simulcast and the offerer sends one stream.
     */
    public List<String> answer(int max) {
        List<String> out = new ArrayList<>();
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < Math.min(max, layers.size()); i++) {
            Layer l = layers.get(i);
            out.add("rid:" + l.rid() + " recv");
            list.append(i == 0 ? "" : ";").append(l.paused() ? "~" : "").append(l.rid());
        }
        if (!out.isEmpty()) {
            out.add("simulcast:recv " + list);
        }
        return out;
    }

    /** The layers the answer of {@link #answer(int) answer(max)} receives, in order. */
    public List<Layer> accepted(int max) {
        return layers.subList(0, Math.min(max, layers.size()));
    }
}
