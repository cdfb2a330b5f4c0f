package dev.lancast.sender.clip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads IVF files (the VP8 container libvpx writes): a 32-byte header, then 12-byte frame headers. */
public final class IvfReader {
    private IvfReader() {}

    public static VideoClip read(byte[] file) throws ClipFormatException {
        if (file.length < 32) {
            throw new ClipFormatException("IVF header truncated: " + file.length + " of 32 bytes");
        }
        if (file[0] != 'D' || file[1] != 'K' || file[2] != 'I' || file[3] != 'F') {
            throw new ClipFormatException("byte 0: not an IVF file (no DKIF signature)");
        }
        int headerLength = u16(file, 6);
        String fourcc = new String(file, 8, 4, StandardCharsets.US_ASCII);
        if (!fourcc.equals("VP80")) {
            throw new ClipFormatException("byte 8: codec " + fourcc + " is not VP80");
        }
        int width = u16(file, 12);
        int height = u16(file, 14);
        int rate = (int) u32(file, 16);
        int scale = (int) u32(file, 20);
        if (rate <= 0 || scale <= 0) {
            throw new ClipFormatException("byte 16: bad timebase " + scale + "/" + rate);
        }
        List<VideoClip.Frame> frames = new ArrayList<>();
        int pos = headerLength;
        while (pos < file.length) {
            if (pos + 12 > file.length) {
                throw new ClipFormatException("byte " + pos + ": frame header truncated");
            }
            long size = u32(file, pos);
            long pts = u32(file, pos + 4) | (u32(file, pos + 8) << 32);
            int start = pos + 12;
            if (size <= 0 || start + size > file.length) {
                throw new ClipFormatException("byte " + pos + ": frame of " + size + " bytes runs past the end");
            }
            byte[] data = Arrays.copyOfRange(file, start, (int) (start + size));
            frames.add(new VideoClip.Frame(data, pts, (data[0] & 0x01) == 0));
            pos = (int) (start + size);
        }
        if (frames.isEmpty()) {
            throw new ClipFormatException("byte " + headerLength + ": the IVF file has no frames");
        }
        // IVF stores the timebase as rate/scale = frames per second; one pts unit is scale/rate s.
        return new VideoClip(width, height, scale, rate, frames);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | ((b[at + 1] & 0xFFL) << 8) | ((b[at + 2] & 0xFFL) << 16) | ((b[at + 3] & 0xFFL) << 24);
    }
}
