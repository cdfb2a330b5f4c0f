package dev.lancast.cli;

import dev.lancast.rtc.config.ConfigException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Reloads a config file on SIGHUP and when the file changes. A file that does not load is
 * rejected with the same message as at start, and the running config stays.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    /** Loads and applies the file; throws ConfigException to reject it. */
    @FunctionalInterface
    interface Reload {
        void apply(Path file) throws ConfigException, Exception;
    }

    private final Path file;
    private final Reload reload;
    private final WatchService watcher;
    private final Thread thread;

    ConfigWatcher(Path file, Reload reload) throws IOException {
        this.file = file.toAbsolutePath();
        this.reload = reload;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.file
                .getParent()
                .register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        Signal.handle(new Signal("HUP"), signal -> reloadNow("SIGHUP"));
        this.thread = new Thread(this::watch, "lancast-config-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void watch() {
        try {
            for (; ; ) {
                WatchKey key = watcher.take();
                boolean ours = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    ours |= file.getFileName().equals(event.context());
                }
                key.reset();
                if (ours) {
                    // Editors write in several steps; let the file settle before reading it.
                    Thread.sleep(300);
                    while (key.pollEvents().size() > 0) {
                        Thread.sleep(100);
                    }
                    reloadNow("a change of " + file.getFileName());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void reloadNow(String why) {
        try {
            reload.apply(file);
            LOG.info("config reloaded from {} after {}", file, why);
        } catch (ConfigException e) {
            LOG.error("config reload rejected, the running config stays: {}", e.getMessage());
        } catch (Exception e) {
            LOG.error("config reload failed, the running config stays: {}", e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
