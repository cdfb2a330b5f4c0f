package dev.lancast.rtc.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Serves files from a classpath folder (the web-viewer pages), refusing paths that climb out of it. */
public final class StaticResources {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");

    private final String root;
    private final ClassLoader loader;

    public StaticResources(String root, ClassLoader loader) {
        this.root = root.endsWith("/") ? root : root + "/";
        this.loader = loader;
    }

    public Router.Handler file(String name) {
        return request -> load(name);
    }

    /** A handler for "/prefix/**" routes. */
    public Router.Handler folder(String prefix) {
        return request -> load(prefix + "/" + request.param("**"));
    }

    private Response load(String name) throws HttpError {
        if (name.contains("..") || name.contains("\\") || name.startsWith("/")) {
            throw new HttpError(400, "bad path");
        }
        try (InputStream in = loader.getResourceAsStream(root + name)) {
            if (in == null) {
                throw new HttpError(404, "no such file: " + name);
            }
            int dot = name.lastIndexOf('.');
            String type = TYPES.getOrDefault(dot < 0 ? "" : name.substring(dot + 1), "application/octet-stream");
            return new Response(200, type, in.readAllBytes(), Map.of());
        } catch (IOException e) {
            throw new HttpError(500, "cannot read " + name + ": " + e.getMessage());
        }
    }
}
