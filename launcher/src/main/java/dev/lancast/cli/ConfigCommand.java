package dev.lancast.cli;

import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Work with config files.",
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Validate bridge or gateway config files without starting anything. "
                    + "Prints one line per file; exits 2 if any file is wrong.")
    static final class Check implements Callable<Integer> {
        @Option(names = "--offline", description = "skip the checks against this host (interfaces that must exist)")
        boolean offline;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "config files (the kind is told by their keys)")
        List<Path> files;

        @Override
        public Integer call() {
            int failed = 0;
            for (Path file : files) {
                try {
                    System.out.println(check(file, offline));
                } catch (ConfigException e) {
                    System.err.println(e.getMessage());
                    failed++;
                }
            }
            return failed == 0 ? 0 : 2;
        }
    }

    /** Loads the file as the kind of config its keys say, and checks it against this host unless offline. */
    static String check(Path file, boolean offline) throws ConfigException {
        if (ConfigFiles.kindOf(file) == ConfigFiles.Kind.BRIDGE) {
            BridgeConfig config = ConfigFiles.bridge(file, offline);
            return file + ": ok (bridge, " + config.streams().size() + " stream(s))";
        }
        GatewayConfig config = ConfigFiles.gateway(file, offline);
        return file + ": ok (gateway, bridge "
                + (config.bridgeUrl() != null
                        ? config.bridgeUrl()
                        : config.discovery().bridgeName() != null
                                ? "'" + config.discovery().bridgeName() + "' via mDNS"
                                : "found via mDNS")
                + ")";
    }
}
