package dev.lancast.rtc.config;

import java.util.List;

/**
 * A value a config record refuses, thrown from its constructor, that names the element inside the
 * record at fault (a list index, a map key), so that the error points at that element's line
 * rather than at the record's first key.
 */
public final class FieldException extends IllegalArgumentException {
    private final List<Object> path;

    /**
     * @param path field names (String) and list indexes (Integer) below the record that throws,
     *             e.g. {@code List.of("tokens", 1)}
     */
    public FieldException(List<Object> path, String message) {
        super(message);
        this.path = List.copyOf(path);
    }

    /** The element's path below the record that threw. */
    public List<Object> path() {
        return path;
    }
}
