package dev.lancast.rtc.config;

/** A config file that cannot be used; the message names file, line, column and field path. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
