package dev.lancast.rtc.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a YAML config file into immutable records. Unknown keys, wrong types and values that
 * the records reject become one {@link ConfigException} naming file:line:column and the field path.
 */
public final class ConfigLoader {
    private final YAMLFactory yamlFactory = new YAMLFactory();
    // Absent numbers read as 0, which the records turn into their documented defaults.
    private final ObjectMapper mapper = new ObjectMapper(yamlFactory)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
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
            checkKeys(fileName, yaml, mapper.readTree(yaml), type, new ArrayList<>());
            T value = mapper.readValue(yaml, type);
            if (value == null) {
                throw new ConfigException(fileName + ":1:1: the file holds no settings");
            }
            return value;
        } catch (JsonMappingException e) {
            List<JsonMappingException.Reference> at = new ArrayList<>(e.getPath());
            if (e.getCause() instanceof FieldException field) {
                at.addAll(references(field.path().toArray()));
            }
            JsonLocation where = locate(yaml, at);
            throw new ConfigException(fileName + ":" + position(where != null ? where : e.getLocation()) + ": "
                    + path(at) + ": " + reason(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(fileName + ":" + position(e.getLocation()) + ": " + e.getOriginalMessage());
        }
    }

    /** "file:line:column" of the key at this path (field names and list indexes), for host checks. */
    public String where(Path file, Object... path) {
        try {
            return file + ":" + position(locate(Files.readString(file), references(path)));
        } catch (IOException e) {
            return file.toString();
        }
    }

    /**
     * Reports keys the records do not have before anything else: a misspelt key would otherwise
     * surface as a confusing "missing value" from the record it was meant for.
     */
    private void checkKeys(String fileName, String text, JsonNode node, Type type, List<Object> path)
            throws ConfigException {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw.isRecord() && node != null && node.isObject()) {
            Map<String, Type> fields = new LinkedHashMap<>();
            for (RecordComponent component : raw.getRecordComponents()) {
                JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
                fields.put(renamed != null ? renamed.value() : component.getName(), component.getGenericType());
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                path.add(name);
                if (!fields.containsKey(name)) {
                    JsonLocation where = locateKey(text, path);
                    throw new ConfigException(fileName + ":" + position(where) + ": " + render(path) + ": unknown key '"
                            + name + "' (known: " + String.join(", ", fields.keySet()) + ")");
                }
                checkKeys(fileName, text, node.get(name), fields.get(name), path);
                path.remove(path.size() - 1);
            }
        } else if (List.class.isAssignableFrom(raw)
                && node != null
                && node.isArray()
                && type instanceof ParameterizedType p) {
            for (int i = 0; i < node.size(); i++) {
                path.add(i);
                checkKeys(fileName, text, node.get(i), p.getActualTypeArguments()[0], path);
                path.remove(path.size() - 1);
            }
        }
    }

    private static String render(List<Object> path) {
        StringBuilder out = new StringBuilder();
        for (Object element : path) {
            if (element instanceof Integer i) {
                out.append('[').append(i).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".").append(element);
            }
        }
        return out.toString();
    }

    private JsonLocation locateKey(String text, List<Object> path) {
        return locate(text, references(path.toArray()));
    }

    private static List<JsonMappingException.Reference> references(Object... path) {
        List<JsonMappingException.Reference> refs = new ArrayList<>();
        for (Object element : path) {
            refs.add(
                    element instanceof Integer i
                            ? new JsonMappingException.Reference(null, i)
                            : new JsonMappingException.Reference(null, (String) element));
        }
        return refs;
    }

    /**
     * Where the failing field starts. Jackson reports a value rejected by a record constructor at
     * the end of the object; an admin wants the line of the key, so walk the tokens to it.
     */
    private JsonLocation locate(String text, List<JsonMappingException.Reference> path) {
        if (path.isEmpty()) {
            return null;
        }
        try (JsonParser parser = yamlFactory.createParser(text)) {
            List<Object> position = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    position.remove(position.size() - 1);
                    continue;
                }
                int top = position.size() - 1;
                if (token == JsonToken.FIELD_NAME) {
                    position.set(top, parser.currentName());
                    if (matches(position, path)) {
                        return parser.currentTokenLocation();
                    }
                    continue;
                }
                if (top >= 0 && position.get(top) instanceof Integer index) {
                    position.set(top, index + 1);
                    if (matches(position, path)) {
                        return parser.currentTokenLocation();
                    }
                }
                if (token == JsonToken.START_OBJECT) {
                    position.add("");
                } else if (token == JsonToken.START_ARRAY) {
                    position.add(-1);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static boolean matches(List<Object> position, List<JsonMappingException.Reference> path) {
        if (position.size() != path.size()) {
            return false;
        }
        for (int i = 0; i < path.size(); i++) {
            JsonMappingException.Reference ref = path.get(i);
            Object want = ref.getFieldName() != null ? ref.getFieldName() : (Object) ref.getIndex();
            if (!want.equals(position.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String position(JsonLocation location) {
        return location == null ? "?:?" : location.getLineNr() + ":" + location.getColumnNr();
    }

    private static String path(List<JsonMappingException.Reference> at) {
        String path = at.stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "(top)" : path;
    }

    private static String reason(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
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
