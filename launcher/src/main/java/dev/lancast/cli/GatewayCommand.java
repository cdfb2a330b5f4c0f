package dev.lancast.cli;

import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run a receiver-gateway: joins the multicast groups and serves viewers over WHEP.")
final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "gateway config file (YAML)")
    Path config;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg;
        try {
            cfg = ConfigFiles.gateway(config, false);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ConfigFiles.applyLogLevel(cfg.logging());
        Gateway gateway = new Gateway(cfg);
        ConfigWatcher watcher = new ConfigWatcher(config, file -> gateway.apply(ConfigFiles.gateway(file, false)));
        Processes.runUntilStopped(gateway, watcher);
        return 0;
    }
}
