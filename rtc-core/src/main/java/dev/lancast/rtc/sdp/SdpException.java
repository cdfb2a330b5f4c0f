package dev.lancast.rtc.sdp;

/** An SDP that cannot be used; the message names the line (1-based) where parsing stopped. */
public final class SdpException extends Exception {
    public SdpException(String message) {
        super(message);
    }

    static SdpException atLine(int lineNumber, String line, String problem) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return new SdpException("line " + lineNumber + ": " + problem + " in \"" + shown + "\"");
    }
}
