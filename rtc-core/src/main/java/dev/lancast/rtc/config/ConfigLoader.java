package dev.lancast.rtc.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads a YAML config file into immutable records. Unknown keys, wrong types and values that
 * the records reject become one {@link ConfigException} naming file:line:column and the field path.
 */
public final class ConfigLoader {
    private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public <T> T load(Path file, Class<T> type) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text, type);
    }

    public <T> T parse(String fileName, String yaml, Class<T> type) throws ConfigException {
        try {
            T value = mapper.readValue(yaml, type);
            if (value == null) {
                throw new ConfigException(fileName + ": the file is empty");
            }
            return value;
        } catch (JsonMappingException e) {
            throw new ConfigException(fileName + ":" + position(e.getLocation()) + ": " + path(e) + ": " + reason(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(fileName + ":" + position(e.getLocation()) + ": " + e.getOriginalMessage());
        }
    }

    private static String position(JsonLocation location) {
        return location == null ? "?:?" : location.getLineNr() + ":" + location.getColumnNr();
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "(top)" : path;
    }

    private static String reason(JsonMappingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            return "unknown key '" + u.getPropertyName() + "' (known: " + u.getKnownPropertyIds() + ")";
        }
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
