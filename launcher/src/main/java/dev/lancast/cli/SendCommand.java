package dev.lancast.cli;

import dev.lancast.sender.whip.Republisher;
import dev.lancast.sender.whip.WhipSender;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = "Publish the looping test clip (VP8 + Opus) to any WHIP endpoint; publishes again by itself "
                + "(with backoff) when the session fails or the server goes away.")
final class SendCommand implements Callable<Integer> {
    @Option(names = "--whip", required = true, description = "WHIP endpoint URL, e.g. http://127.0.0.1:8080/whip/main")
    URI whip;

    @Option(names = "--token", description = "Bearer token for the WHIP endpoint")
    String token;

    @Override
    public Integer call() throws Exception {
        // A bridge sends receiver reports every second: 3 s without any means it is gone.
        Republisher sender = new Republisher(
                () -> new WhipSender(whip, token), whip.toString(), Duration.ofSeconds(20), Duration.ofSeconds(3));
        Runtime.getRuntime().addShutdownHook(new Thread(sender::close, "lancast-shutdown"));
        System.out.println("publishing the test clip to " + whip + " (Ctrl-C to stop)");
        sender.start();
        String refusal = sender.refused().get();
        System.err.println("lancast send: " + refusal);
        sender.close();
        return 1;
    }
}
