package dev.lancast.sender.clip;

import java.io.IOException;

/** A clip file that is not what it claims to be; the message names the byte offset. */
public final class ClipFormatException extends IOException {
    public ClipFormatException(String message) {
        super(message);
    }
}
