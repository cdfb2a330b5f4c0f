package dev.lancast.cli;

import dev.lancast.rtc.srtp.SrtpCryptoPath;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lancast} command: one entry point for every process of the product. */
@Command(
        name = "lancast",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Live WebRTC broadcast over LAN multicast.",
        subcommands = {
            DemoCommand.class,
            InitCommand.class,
            BridgeCommand.class,
            GatewayCommand.class,
            SendCommand.class,
            ConfigCommand.class,
            BenchCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Lancast implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // jitsi-srtp logs through java.util.logging; route it to the one log we keep.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        LoggerFactory.getLogger(Lancast.class).debug("SRTP runs on {}", SrtpCryptoPath.pinOpenSslIfAvailable());
        System.exit(new CommandLine(new Lancast()).execute(args));
    }
}
