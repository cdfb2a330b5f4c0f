package dev.lancast.cli;

import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.ConfigLoader;
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
            cfg = new ConfigLoader().load(config, GatewayConfig.class);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Processes.runUntilStopped(new Gateway(cfg));
        return 0;
    }
}
