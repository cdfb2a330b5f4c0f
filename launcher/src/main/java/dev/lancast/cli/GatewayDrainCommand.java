package dev.lancast.cli;

import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.HostPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lancast gateway drain}: asks the gateway running with this config to drain (its viewers
 * move to the other gateways of its subnet, then it exits) and waits until it has gone.
 */
@Command(
        name = "drain",
        mixinStandardHelpOptions = true,
        description = "Drain the local gateway of this config: it takes no new viewers, moves its viewers to the other "
                + "gateways of its subnet, and exits when the last has gone or drain.deadlineSeconds has passed.")
final class GatewayDrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the running gateway's config file (YAML)")
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
        HostPort listen = cfg.http().listen();
        if (listen == null || listen.port() == 0) {
            System.err.println("lancast gateway drain: the gateway's http.listen has no fixed port to reach it on");
            return 2;
        }
        String host = "0.0.0.0".equals(listen.host()) ? "127.0.0.1" : listen.host();
        URI drain = URI.create(
                "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + listen.port() + "/api/drain");
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .build();
        HttpRequest.Builder request =
                HttpRequest.newBuilder(drain).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody());
        if (cfg.bridgeToken() != null) {
            request.header("Authorization", "Bearer " + cfg.bridgeToken());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.err.println("lancast gateway drain: no gateway answers at " + drain + ": " + e);
            return 1;
        }
        if (response.statusCode() != 202) {
            System.err.println("lancast gateway drain: " + drain + " answered " + response.statusCode() + ": "
                    + response.body().trim());
            return 1;
        }
        System.out.println("draining: " + response.body().trim());
        long deadline = System.nanoTime()
                + Duration.ofSeconds(cfg.drain().deadlineSeconds() + 15L).toNanos();
        URI status = drain.resolve("/healthz");
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            try {
                client.send(
                        HttpRequest.newBuilder(status)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException gone) {
                System.out.println("the gateway has drained and stopped");
                return 0;
            }
        }
        System.err.println("lancast gateway drain: the gateway still answers after its drain deadline");
        return 1;
    }
}
