package dev.lancast.cli;

import dev.lancast.rtc.tls.SelfSigned;
import dev.lancast.rtc.tls.TlsIdentity;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Someone who poses as the bridge on 127.0.0.1: an HTTPS listener with a certificate of its own
 * that answers every request 200 with a made-up proof, and keeps each request's head as it
 * arrived, Authorization header and all, for the test to look at.
 */
final class ImpostorBridge implements AutoCloseable {
    private final SSLServerSocket server;
    private final Thread thread;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    ImpostorBridge() throws Exception {
        SecureRandom random = new SecureRandom();
        TlsIdentity identity = SelfSigned.generate(List.of("127.0.0.1"), random, Instant.now());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "impostor", identity.privateKey(), new char[0], identity.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, random);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "test-impostor-bridge");
        thread.setDaemon(true);
        thread.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    /** Every request head received so far. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setSoTimeout(5000);
                requests.add(head(socket.getInputStream()));
                String proof = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + proof.length()
                                + "\r\nConnection: close\r\n\r\n" + proof)
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (Exception e) {
                // a client that gave up, or the socket closed: take the next one
            }
        }
    }

    private static String head(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; matched < 4 && head.size() < 16384 && (b = in.read()) >= 0; ) {
            head.write(b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
    }
}
