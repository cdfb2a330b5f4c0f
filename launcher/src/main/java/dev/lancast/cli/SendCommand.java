package dev.lancast.cli;

import dev.lancast.sender.whip.WhipSender;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Publish the looping test clip (VP8 + Opus) to any WHIP endpoint.")
final class SendCommand implements Callable<Integer> {
    @Option(names = "--whip", required = true, description = "WHIP endpoint URL, e.g. http://127.0.0.1:8080/whip/main")
    URI whip;

    @Option(names = "--token", description = "Bearer token for the WHIP endpoint")
    String token;

    @Override
    public Integer call() throws Exception {
        WhipSender sender = new WhipSender(whip, token);
        try {
            sender.start(Duration.ofSeconds(20));
        } catch (java.io.IOException e) {
            sender.close();
            System.err.println("lancast send: " + e.getMessage());
            return 1;
        }
        System.out.println("publishing the test clip to " + whip + " (Ctrl-C to stop)");
        Processes.runUntilStopped(sender);
        return 0;
    }
}
