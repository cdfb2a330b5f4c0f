package dev.lancast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lancast.bench.load.LoadOptions;
import dev.lancast.bench.load.LoadReport;
import dev.lancast.bench.load.LoadRun;
import dev.lancast.bench.load.RtpFeed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lancast bench}: the load generator and the clip feed of the side-by-side benchmark (docs/benchmarks.md). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark tools: a WHEP load generator and a plain-RTP feed of the test clip.",
        subcommands = {BenchCommand.Viewers.class, BenchCommand.FeedRtp.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "viewers",
            mixinStandardHelpOptions = true,
            description = "Open N receive-only WebRTC sessions (WHEP, or Janus's streaming plugin), measure a steady "
                    + "window (packets, loss, joins, delay, CPU) and close them. Bounded: at most "
                    + LoadOptions.MAX_VIEWERS + " viewers and " + LoadOptions.MAX_SECONDS + " s.")
    static final class Viewers implements Callable<Integer> {
        @Option(names = "--whep", description = "WHEP endpoint, e.g. http://127.0.0.1:8081/whep/main")
        URI whep;

        @Option(names = "--janus", description = "Janus HTTP transport, e.g. http://127.0.0.1:8088 (ICE-lite Janus)")
        URI janus;

        @Option(
                names = "--mountpoint",
                defaultValue = "1",
                description = "Janus streaming mountpoint id (default ${DEFAULT-VALUE})")
        long mountpoint;

        @Option(names = "--token", description = "Bearer token for a stream with viewer tokens")
        String token;

        @Option(names = "--viewers", required = true, description = "sessions to open")
        int viewers;

        @Option(
                names = "--seconds",
                defaultValue = "20",
                description = "steady-state window after the joins (default ${DEFAULT-VALUE})")
        int seconds;

        @Option(
                names = "--join-rate",
                defaultValue = "50",
                description = "new sessions per second (default ${DEFAULT-VALUE})")
        double joinRate;

        @Option(
                names = "--settle",
                defaultValue = "3",
                description = "seconds between the last join and the window (default ${DEFAULT-VALUE})")
        int settle;

        @Option(
                names = "--threads",
                defaultValue = "1",
                description = "event loops for the viewers' sockets (default ${DEFAULT-VALUE})")
        int threads;

        @Option(
                names = "--sample",
                defaultValue = "16",
                description = "authenticate one packet in this many (default ${DEFAULT-VALUE})")
        int sample;

        @Option(
                names = "--server-pid",
                description = "NAME=PID of a process whose CPU to report, repeatable (e.g. gateway=1234)")
        Map<String, Long> pids = new LinkedHashMap<>();

        @Option(names = "--json", description = "also write the report as JSON to this file")
        Path json;

        @Option(
                names = "--warmup",
                defaultValue = "0",
                description =
                        "sessions that join, connect and close before the "
                                + "measured joins, so that cold JVMs (ours and the server's) are not counted as join time (default ${DEFAULT-VALUE})")
        int warmup;

        @Override
        public Integer call() throws Exception {
            LoadOptions options;
            try {
                options = new LoadOptions(
                        whep,
                        janus,
                        mountpoint,
                        token,
                        viewers,
                        seconds,
                        joinRate,
                        settle,
                        threads,
                        sample,
                        pids,
                        warmup);
            } catch (IllegalArgumentException e) {
                System.err.println("lancast bench viewers: " + e.getMessage());
                return 2;
            }
            LoadReport report;
            try {
                report = new LoadRun(options, line -> System.out.println("  " + line)).run();
            } catch (IOException e) {
                System.err.println("lancast bench viewers: " + e.getMessage());
                return 1;
            }
            System.out.print(report.format());
            if (json != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
            }
            return 0;
        }
    }

    @Command(
            name = "feed-rtp",
            mixinStandardHelpOptions = true,
            description = "Send the test clip as plain RTP (VP8 PT " + RtpFeed.VIDEO_PT + ", Opus PT "
                    + RtpFeed.AUDIO_PT + ") until stopped, e.g. into a Janus streaming mountpoint.")
    static final class FeedRtp implements Callable<Integer> {
        @Option(names = "--video", required = true, description = "HOST:PORT for the VP8 RTP")
        String video;

        @Option(names = "--audio", required = true, description = "HOST:PORT for the Opus RTP")
        String audio;

        @Option(
                names = "--seconds",
                defaultValue = "900",
                description = "stop after this long (default ${DEFAULT-VALUE})")
        int seconds;

        @Override
        public Integer call() throws Exception {
            try (RtpFeed feed = new RtpFeed(address(video), address(audio))) {
                feed.start();
                System.out.println("feeding the test clip as RTP to video " + video + ", audio " + audio);
                Thread.sleep(seconds * 1000L);
            }
            return 0;
        }

        private static InetSocketAddress address(String hostPort) {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new ParameterException(new CommandLine(new FeedRtp()), "expected HOST:PORT, got " + hostPort);
            }
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        }
    }
}
