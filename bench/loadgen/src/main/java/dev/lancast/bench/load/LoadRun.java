package dev.lancast.bench.load;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceClient;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import dev.lancast.rtc.time.WallClock;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one bounded load: opens the viewers at the join rate, waits for the joins to settle, then
 * measures a steady-state window (packets, loss, delay, CPU of the named processes and of this
 * one) and closes every session. Owns its event loops and executors and stops them all.
 */
public final class LoadRun {
    private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);
    private static final Duration JOIN_DEADLINE = Duration.ofSeconds(20);

    private final LoadOptions options;
    private final Consumer<String> progress;
    private final SecureRandom random = new SecureRandom();
    private final WallClock clock = new WallClock();

    public LoadRun(LoadOptions options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    public LoadReport run() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI target = options.whep() != null ? options.whep() : options.janus();
        Signaling signaling = options.whep() != null
                ? new WhepSignaling(options.whep(), options.token(), http)
                : new JanusSignaling(options.janus(), options.mountpoint(), http);
        InetAddress localAddress = sourceAddressFor(target);
        DtlsCertificate certificate = DtlsCertificate.generate();
        warmUp();
        ConcurrentLinkedQueue<LoadViewer> viewers = new ConcurrentLinkedQueue<>();
        Map<String, Integer> failures = new TreeMap<>();
        EventLoops loops = new EventLoops("bench-viewer-io", options.threads());
        // Signaling blocks on HTTP and DTLS handshakes block in BouncyCastle: enough threads that a
        // join burst never queues behind them on our side (bounded by the viewer count).
        int joinThreads = Math.min(options.viewers(), Math.max(8, (int) Math.ceil(options.joinRate())));
        ExecutorService joins = Executors.newFixedThreadPool(joinThreads, new NamedThreadFactory("bench-join", true));
        ExecutorService dtls = Executors.newCachedThreadPool(new NamedThreadFactory("bench-dtls", true));
        ScheduledExecutorService pacer =
                Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("bench-pacer", true));
        try {
            if (options.warmup() > 0) {
                warmUpJoins(signaling, certificate, loops, dtls, localAddress, joins);
            }
            long startNanos = System.nanoTime();
            long periodNanos = (long) (1e9 / options.joinRate());
            for (int i = 0; i < options.viewers(); i++) {
                int index = i;
                pacer.schedule(
                        () -> joins.execute(() ->
                                join(index, signaling, certificate, loops, dtls, localAddress, viewers, failures)),
                        i * periodNanos,
                        TimeUnit.NANOSECONDS);
            }
            long joinsEnd = startNanos + options.viewers() * periodNanos;
            progress.accept(
                    String.format("joining %d viewers at %.0f/s to %s", options.viewers(), options.joinRate(), target));
            awaitJoins(viewers, failures, joinsEnd);
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.settleSeconds()));
            List<LoadViewer> measured = new ArrayList<>(viewers);
            int connected =
                    (int) measured.stream().filter(LoadViewer::connected).count();
            progress.accept(String.format(
                    "%d of %d viewers connected; measuring %d s", connected, options.viewers(), options.seconds()));

            measured.forEach(v -> v.measuring(true));
            List<LoadViewer.Snapshot> before = snapshots(measured);
            long selfPid = ProcessHandle.current().pid();
            Map<String, double[]> cpuBefore = cpu(selfPid);
            long windowStart = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.seconds()));
            List<LoadViewer.Snapshot> after = snapshots(measured);
            long windowEnd = System.nanoTime();
            Map<String, double[]> cpuAfter = cpu(selfPid);
            measured.forEach(v -> v.measuring(false));
            return LoadSummary.of(
                    options,
                    signaling.server(),
                    measured,
                    before,
                    after,
                    (windowEnd - windowStart) / 1e9,
                    cpuBefore,
                    cpuAfter,
                    selfPid,
                    failures);
        } finally {
            pacer.shutdownNow();
            joins.shutdown();
            joins.awaitTermination(JOIN_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
            closeAll(viewers);
            dtls.shutdownNow();
            loops.close();
        }
    }

    /**
     * The first SRTP context of a process loads jitsi-srtp's native crypto (about a second): done
     * here, not on a viewer's event loop where it would stall every viewer's first packets.
     */
    private static void warmUp() {
        long t0 = System.nanoTime();
        for (SrtpProfile profile : SrtpProfile.values()) {
            new SrtpReceiver(profile, new byte[profile.keyLength()], new byte[profile.saltLength()], 1024).close();
        }
        LOG.debug("SRTP warm-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * A round of sessions that join (one after the other, at most 4 at once), connect and close
     * before the measured joins start, so that neither this JVM's nor the server's first
     * handshakes (class loading, the JIT compiling BouncyCastle) are counted as join time: a
     * server in service is warm. Not measured; failures are only reported.
     */
    private void warmUpJoins(
            Signaling signaling,
            DtlsCertificate certificate,
            EventLoops loops,
            ExecutorService dtls,
            InetAddress localAddress,
            ExecutorService joins)
            throws InterruptedException {
        ConcurrentLinkedQueue<LoadViewer> warm = new ConcurrentLinkedQueue<>();
        Map<String, Integer> failures = new TreeMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < options.warmup(); i += 4) {
            int batch = Math.min(4, options.warmup() - i);
            int first = i;
            CountDownLatch done = new CountDownLatch(batch);
            for (int k = 0; k < batch; k++) {
                int index = -1 - first - k;
                joins.execute(() -> {
                    try {
                        join(index, signaling, certificate, loops, dtls, localAddress, warm, failures);
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await(JOIN_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            long deadline = System.nanoTime() + JOIN_DEADLINE.toNanos();
            while (System.nanoTime() < deadline && !warm.stream().allMatch(v -> v.connected() || v.failure() != null)) {
                Thread.sleep(20);
            }
        }
        long connected = warm.stream().filter(LoadViewer::connected).count();
        closeAll(warm);
        progress.accept(String.format(
                "warm-up: %d of %d sessions connected and closed in %.1f s%s",
                connected,
                options.warmup(),
                (System.nanoTime() - start) / 1e9,
                failures.isEmpty() ? "" : ", failures " + failures));
    }

    private void join(
            int index,
            Signaling signaling,
            DtlsCertificate certificate,
            EventLoops loops,
            ExecutorService dtls,
            InetAddress localAddress,
            ConcurrentLinkedQueue<LoadViewer> viewers,
            Map<String, Integer> failures) {
        IceCredentials local = IceCredentials.generate(random);
        IceClient ice = null;
        try {
            // The server's candidate is only known after signaling, but the socket (and its port,
            // which a Janus answer names) must exist first; IceClient binds it, then aims later.
            ice = new IceClient(loops, new InetSocketAddress(localAddress, 0), local, random);
            Negotiated session = signaling.negotiate(
                    local, certificate, (InetSocketAddress) ice.channel().localAddress());
            long answered = System.nanoTime();
            ice.aim(session.server(), new IceCredentials(session.remoteUfrag(), session.remotePwd()));
            LoadViewer viewer =
                    new LoadViewer(index, ice, session, certificate, dtls, options.sampleEvery(), clock, answered);
            viewers.add(viewer);
            viewer.start();
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            synchronized (failures) {
                failures.merge(reason.length() > 120 ? reason.substring(0, 120) : reason, 1, Integer::sum);
            }
            LOG.debug("viewer {} failed to join", index, e);
            if (ice != null) {
                ice.close();
            }
        }
    }

    private void awaitJoins(
            ConcurrentLinkedQueue<LoadViewer> viewers, Map<String, Integer> failures, long joinsEndNanos)
            throws InterruptedException {
        long deadline = joinsEndNanos + JOIN_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() > joinsEndNanos
                    && viewers.size() + failureCount(failures) >= options.viewers()
                    && viewers.stream().allMatch(v -> v.connected() || v.failure() != null)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static int failureCount(Map<String, Integer> failures) {
        synchronized (failures) {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static List<LoadViewer.Snapshot> snapshots(List<LoadViewer> viewers) throws Exception {
        List<LoadViewer.Snapshot> out = new ArrayList<>(viewers.size());
        for (var f : viewers.stream().map(LoadViewer::snapshot).toList()) {
            out.add(f.get(5, TimeUnit.SECONDS));
        }
        return out;
    }

    private Map<String, double[]> cpu(long selfPid) throws IOException {
        Map<String, double[]> out = new TreeMap<>();
        for (var e : options.serverPids().entrySet()) {
            try {
                out.put(e.getKey(), ProcessCpu.times(e.getValue()));
            } catch (IOException gone) {
                throw new IOException(e.getKey() + ": " + gone.getMessage(), gone);
            }
        }
        out.put("loadgen", ProcessCpu.times(selfPid));
        return out;
    }

    private static void closeAll(ConcurrentLinkedQueue<LoadViewer> viewers) throws InterruptedException {
        ExecutorService closer = Executors.newFixedThreadPool(8, new NamedThreadFactory("bench-close", true));
        for (LoadViewer v : viewers) {
            closer.execute(v::close);
        }
        closer.shutdown();
        closer.awaitTermination(30, TimeUnit.SECONDS);
        closer.shutdownNow();
    }

    /** The address the kernel would send from towards the target, so sockets bind no wider than needed. */
    private static InetAddress sourceAddressFor(URI target) throws IOException {
        InetAddress host = InetAddress.getByName(target.getHost());
        if (host.isLoopbackAddress()) {
            return InetAddress.getLoopbackAddress();
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(host, 9));
            return probe.getLocalAddress();
        }
    }
}
