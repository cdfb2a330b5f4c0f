package dev.lancast.cli;

import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        description = "Run a receiver-gateway: joins the multicast groups and serves viewers over WHEP. "
                + "Stopped by SIGTERM (systemd) it drains first: its viewers move to the other gateways of its subnet.",
        subcommands = GatewayDrainCommand.class)
final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--config", description = "gateway config file (YAML)")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (config == null) {
            System.err.println("lancast gateway: --config FILE is required");
            return 2;
        }
        GatewayConfig cfg;
        try {
            cfg = ConfigFiles.gateway(config, false);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ConfigFiles.applyLogLevel(cfg.logging());
        CountDownLatch drained = new CountDownLatch(1);
        Gateway gateway = new Gateway(cfg, drained::countDown);
        ConfigWatcher watcher = new ConfigWatcher(config, file -> gateway.apply(ConfigFiles.gateway(file, false)));
        // Closed first on a stop: a service stopped by systemd (no terminal) lets its viewers move
        // before it goes; Ctrl-C in a terminal stops at once.
        AutoCloseable drainFirst = () -> {
            if (System.console() == null) {
                gateway.drain("the process is stopping");
            }
        };
        Processes.runUntilStopped(drained, gateway, watcher, drainFirst);
        return 0;
    }
}
