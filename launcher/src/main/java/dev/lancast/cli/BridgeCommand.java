package dev.lancast.cli;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.rtc.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Run the lan-bridge: WHIP ingest re-emitted as encrypted multicast.")
final class BridgeCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "bridge config file (YAML)")
    Path config;

    @Override
    public Integer call() throws Exception {
        BridgeConfig cfg;
        try {
            cfg = ConfigFiles.bridge(config, false);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ConfigFiles.applyLogLevel(cfg.logging());
        Bridge bridge = new Bridge(cfg);
        ConfigWatcher watcher = new ConfigWatcher(config, file -> {
            BridgeConfig next;
            try {
                next = ConfigFiles.bridge(file, false);
            } catch (ConfigException e) {
                bridge.reloadRejected(e.getMessage()); // the admin page shows why the config stayed
                throw e;
            }
            bridge.apply(next);
        });
        Processes.runUntilStopped(bridge, watcher);
        return 0;
    }
}
