package dev.lancast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.ConfigLoader;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.LoggingSettings;
import dev.lancast.rtc.net.Interfaces;
import dev.lancast.rtc.tls.ClientTls;
import dev.lancast.rtc.tls.ServerTls;
import dev.lancast.rtc.tls.TlsFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads bridge and gateway config files and checks them against this host (interfaces, TLS files). */
final class ConfigFiles {
    enum Kind {
        BRIDGE,
        GATEWAY
    }

    private ConfigFiles() {}

    /** @param offline skip what depends on this host (the interfaces must exist here) */
    static BridgeConfig bridge(Path file, boolean offline) throws ConfigException {
        ConfigLoader loader = new ConfigLoader();
        BridgeConfig config = loader.load(file, BridgeConfig.class);
        if (!offline) {
            checkInterface(loader, file, config.multicast().iface(), "multicast", "interface");
            if (config.discovery().iface() != null) {
                checkInterface(loader, file, config.discovery().iface(), "discovery", "interface");
            }
            for (int i = 0; i < config.streams().size(); i++) {
                String iface = config.streams().get(i).iface();
                if (iface != null) {
                    checkInterface(loader, file, iface, "streams", i, "interface");
                }
            }
            checkServerTls(loader, file, config.http());
        }
        return config;
    }

    static GatewayConfig gateway(Path file, boolean offline) throws ConfigException {
        ConfigLoader loader = new ConfigLoader();
        GatewayConfig config = loader.load(file, GatewayConfig.class);
        if (!offline) {
            checkInterface(loader, file, config.multicast().iface(), "multicast", "interface");
            if (config.discovery().iface() != null) {
                checkInterface(loader, file, config.discovery().iface(), "discovery", "interface");
            }
            checkServerTls(loader, file, config.http());
            GatewayConfig.BridgeTls tls = config.bridgeTls();
            try {
                ClientTls.context(tls.ca(), tls.fingerprint(), tls.certificate(), tls.privateKey());
            } catch (TlsFileException e) {
                throw new ConfigException(loader.where(file, "bridgeTls", e.field()) + ": bridgeTls." + e.field() + ": "
                        + e.getMessage());
            }
        }
        return config;
    }

    /** The certificate, key and client CA files of http.tls exist and fit together. */
    private static void checkServerTls(ConfigLoader loader, Path file, HttpSettings http) throws ConfigException {
        if (http.tls() == null) {
            return;
        }
        try {
            ServerTls.check(http.tls());
        } catch (TlsFileException e) {
            throw new ConfigException(
                    loader.where(file, "http", "tls", e.field()) + ": http.tls." + e.field() + ": " + e.getMessage());
        }
    }

    /** Sets the log level from the config; called before the components that log are made. */
    static void applyLogLevel(LoggingSettings logging) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logging.level());
    }

    /** Tells a bridge config (it has streams) from a gateway config (it has a bridgeToken). */
    static Kind kindOf(Path file) throws ConfigException {
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (tree != null && (tree.has("bridgeToken") || tree.has("bridgeUrl") || tree.has("bridgeTls"))) {
            return Kind.GATEWAY;
        }
        if (tree != null && tree.has("streams")) {
            return Kind.BRIDGE;
        }
        throw new ConfigException(file
                + ": neither a bridge config (no 'streams') nor a gateway config (no 'bridgeToken' or 'bridgeTls')");
    }

    private static void checkInterface(ConfigLoader loader, Path file, String iface, Object... path)
            throws ConfigException {
        try {
            Interfaces.resolve(iface);
        } catch (IllegalArgumentException e) {
            StringBuilder field = new StringBuilder();
            for (Object p : path) {
                field.append(p instanceof Integer i ? "[" + i + "]" : (field.length() > 0 ? "." : "") + p);
            }
            throw new ConfigException(loader.where(file, path) + ": " + field + ": " + e.getMessage());
        }
    }
}
