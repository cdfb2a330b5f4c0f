package dev.lancast.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** CPU time of a process (user and system, all its threads) from {@code /proc/PID/stat}. */
final class ProcessCpu {
    /** USER_HZ: the unit of utime and stime; 100 on every Linux ABI we run on (sysconf(_SC_CLK_TCK)). */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {}

    /** CPU seconds used so far by the process. */
    static double seconds(long pid) throws IOException {
        double[] t = times(pid);
        return t[0] + t[1];
    }

    /** CPU seconds used so far by the process: {user, system} (system: in the kernel, its system calls). */
    static double[] times(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            throw new IOException("process " + pid + " is not running (was it given with --server-pid?)", e);
        }
        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return new double[] {utime / (double) TICKS_PER_SECOND, stime / (double) TICKS_PER_SECOND};
    }
}
