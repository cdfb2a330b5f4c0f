package dev.lancast.rtc.config;

import java.util.List;

/**
 * @param level error, warn, info (default), debug or trace; read at start only (a reload that
 *              changes it is reported, not applied)
 */
public record LoggingSettings(String level) {
    private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    public LoggingSettings {
        level = level == null ? "info" : level;
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("level must be one of " + LEVELS + ", got '" + level + "'");
        }
    }
}
