package dev.lancast.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lancast init}: config files with fresh tokens, so that no install runs with a token anyone
 * else has (the package's postinst runs it; docs/deployment.md). It never overwrites a file.
 */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = "Write bridge and gateway config files with fresh random tokens.",
        subcommands = {InitCommand.Bridge.class, InitCommand.Gateway.class})
final class InitCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Where and on what the processes listen: one address and interface for both files. */
    static final class Placement {
        @Option(
                names = "--dir",
                defaultValue = "/etc/lancast",
                description = "where to write (default: ${DEFAULT-VALUE})")
        Path dir;

        @Option(
                names = "--address",
                defaultValue = "127.0.0.1",
                description = "address to listen on (default: ${DEFAULT-VALUE}: this host only)")
        String address;

        @Option(
                names = "--interface",
                defaultValue = "lo",
                description = "multicast and mDNS interface (default: ${DEFAULT-VALUE}: this host only)")
        String iface;
    }

    @Command(
            name = "bridge",
            mixinStandardHelpOptions = true,
            description = "Write bridge.yaml (WHIP, admin and gateway tokens) and gateway.yaml for a gateway on this "
                    + "host; print the line that makes each other gateway's config.")
    static final class Bridge implements Callable<Integer> {
        @Mixin
        Placement at = new Placement();

        @Option(
                names = "--gateway",
                description = "a gateway's name (repeatable; default: gw-1); the first one is "
                        + "this host's (its gateway.yaml is written here), the others get the line to run on theirs")
        List<String> gateways = new ArrayList<>(List.of("gw-1"));

        @Option(names = "--quiet", description = "print no tokens (for the package's postinst, whose output is logged)")
        boolean quiet;

        @Override
        public Integer call() throws IOException {
            SecureRandom random = new SecureRandom();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < gateways.size(); i++) {
                tokens.add(token(random));
            }
            Path bridge = at.dir.resolve("bridge.yaml");
            Path gateway = at.dir.resolve("gateway.yaml");
            for (Path p : List.of(bridge, gateway)) {
                if (Files.exists(p)) {
                    System.err.println(
                            "lancast init: " + p + " exists; not touching it (move it away to start afresh)");
                    return 1;
                }
            }
            write(
                    bridge,
                    InitTemplates.bridge(
                            at.address, at.iface, gateways, tokens, token(random), token(random), token(random)));
            write(
                    gateway,
                    InitTemplates.gateway(
                            at.address, at.iface, gateways.get(0), tokens.get(0), "https://" + at.address + ":8443"));
            System.out.println("lancast init: wrote " + bridge + " and " + gateway + " (for gateway " + gateways.get(0)
                    + " on this host), every token fresh");
            if (!quiet) {
                for (int i = 1; i < gateways.size(); i++) {
                    System.out.println(
                            "  gateway " + gateways.get(i) + ", on its host: " + line(gateways.get(i), tokens.get(i)));
                }
            }
            System.out.println(
                    "  another gateway: add `NAME: TOKEN` (openssl rand -hex 16) under keys.gatewayTokens in " + bridge
                            + ", then on its host: " + line("NAME", "TOKEN"));
            return 0;
        }
    }

    @Command(
            name = "gateway",
            mixinStandardHelpOptions = true,
            description = "Write gateway.yaml for a gateway whose name and token the bridge's config gives.")
    static final class Gateway implements Callable<Integer> {
        @Mixin
        Placement at = new Placement();

        @Option(names = "--name", required = true, description = "its name in the bridge's keys.gatewayTokens")
        String name;

        @Option(names = "--token", required = true, description = "its token there")
        String token;

        @Option(
                names = "--bridge-url",
                description = "the bridge's https:// URL (default: found on mDNS, which " + "stays on one link)")
        String bridgeUrl;

        @Override
        public Integer call() throws IOException {
            Path gateway = at.dir.resolve("gateway.yaml");
            if (Files.exists(gateway)) {
                System.err.println("lancast init: " + gateway + " exists; not touching it");
                return 1;
            }
            write(gateway, InitTemplates.gateway(at.address, at.iface, name, token, bridgeUrl));
            System.out.println("lancast init: wrote " + gateway + " for gateway " + name
                    + "; set http.listen, media.listen and multicast.interface to this host's, then start it");
            return 0;
        }
    }

    /** The one line that writes a gateway's config on its own host. */
    static String line(String name, String token) {
        return "lancast init gateway --name " + name + " --token " + token + " --address ADDRESS --interface IFACE";
    }

    /** 128 random bits as 32 hex digits. */
    static String token(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Written owner-only through a temporary file, then moved in place; an existing file is never replaced. */
    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = Files.createTempFile(
                file.toAbsolutePath().getParent(),
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared meanwhile; not replacing it", e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
