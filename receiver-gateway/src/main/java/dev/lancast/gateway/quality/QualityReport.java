package dev.lancast.gateway.quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * What a viewer page says of its own playback, every ~10 s, on its WHEP session
 * ({@code POST /whep/{stream}/{session}/quality}): counts since the session began (the browser's
 * own, so the gateway takes differences) and figures of the interval since the last report.
 * A flat JSON object of whole numbers, at most {@value #MAX_BYTES} bytes; unknown keys are
 * ignored (a page of another version after a move), anything else is refused with the reason.
 *
 * @param freezes  video freezes the browser counted (WebRTC stats {@code freezeCount}), since the session began
 * @param freezeMs their total duration ({@code totalFreezesDuration}), since the session began
 * @param stallMs  the longest time between two frames on screen since the last report
 * @param lost     video packets lost (inbound-rtp {@code packetsLost}) since the session began
 * @param received video packets received since the session began
 * @param joinMs   the time from the WHEP answer to the first frame on screen, in the first report
 *                 after it (-1: not in this report)
 */
public record QualityReport(long freezes, long freezeMs, long stallMs, long lost, long received, long joinMs) {
    public static final int MAX_BYTES = 1024;
    static final long MAX_COUNT = 1L << 40;
    static final long MAX_MILLIS = 7L * 24 * 3600 * 1000;
    private static final String[] NAMES = {"freezes", "freezeMs", "stallMs", "lost", "received", "joinMs"};
    private static final long[] MAX = {MAX_COUNT, MAX_MILLIS, MAX_MILLIS, MAX_COUNT, MAX_COUNT, MAX_MILLIS};
    /** Every key but joinMs must be there. */
    private static final int REQUIRED = 5;

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** A body that is not a report, with what is wrong in words (printable ASCII: it reaches the log). */
    public static final class Malformed extends Exception {
        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    public static QualityReport parse(byte[] body) throws Malformed {
        if (body.length > MAX_BYTES) {
            throw new Malformed("a quality report is at most " + MAX_BYTES + " bytes, got " + body.length);
        }
        long[] values = {-1, -1, -1, -1, -1, -1};
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed("a quality report is a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    throw new Malformed("a quality report is a flat JSON object");
                }
                int field = field(name);
                if (field < 0) {
                    continue; // a key of another version of the page
                }
                if (value != JsonToken.VALUE_NUMBER_INT) {
                    throw new Malformed(name + " must be a whole number");
                }
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        || p.getLongValue() < 0
                        || p.getLongValue() > MAX[field]) {
                    throw new Malformed(name + " must be 0.." + MAX[field]);
                }
                values[field] = p.getLongValue();
            }
            if (p.nextToken() != null) {
                throw new Malformed("nothing may follow the report's JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new Malformed("not JSON: " + printable(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new Malformed("not JSON: " + printable(e.getMessage()));
        }
        for (int i = 0; i < REQUIRED; i++) {
            if (values[i] < 0) {
                throw new Malformed(NAMES[i] + " is missing (a report has freezes, freezeMs, stallMs, lost, received)");
            }
        }
        return new QualityReport(values[0], values[1], values[2], values[3], values[4], values[5]);
    }

    private static int field(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The parser's words, without the input's own characters that are not printable ASCII, at most 120. */
    private static String printable(String message) {
        if (message == null) {
            return "unreadable";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < message.length() && out.length() < 120; i++) {
            char c = message.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
