package dev.lancast.sender.clip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Opus packets from an Ogg file (RFC 3533 pages, RFC 7845 Ogg Opus): skips OpusHead and
 * OpusTags and keeps only 20 ms packets, since the sender paces audio in 20 ms steps.
 */
public final class OggOpusReader {
    private OggOpusReader() {}

    public static AudioClip read(byte[] file) throws ClipFormatException {
        List<byte[]> packets = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        int channels = -1;
        int index = 0;
        int pos = 0;
        while (pos < file.length) {
            if (pos + 27 > file.length) {
                throw new ClipFormatException("byte " + pos + ": Ogg page header truncated");
            }
            if (file[pos] != 'O' || file[pos + 1] != 'g' || file[pos + 2] != 'g' || file[pos + 3] != 'S') {
                throw new ClipFormatException("byte " + pos + ": no OggS capture pattern");
            }
            if (file[pos + 4] != 0) {
                throw new ClipFormatException("byte " + (pos + 4) + ": Ogg version " + file[pos + 4] + " is not 0");
            }
            int segments = file[pos + 26] & 0xFF;
            int data = pos + 27 + segments;
            if (data > file.length) {
                throw new ClipFormatException("byte " + pos + ": segment table truncated");
            }
            for (int s = 0; s < segments; s++) {
                int lace = file[pos + 27 + s] & 0xFF;
                if (data + lace > file.length) {
                    throw new ClipFormatException("byte " + data + ": segment runs past the end");
                }
                partial.write(file, data, lace);
                data += lace;
                if (lace < 255) {
                    byte[] packet = partial.toByteArray();
                    partial.reset();
                    if (index == 0) {
                        channels = opusHead(packet, pos);
                    } else if (index > 1 && packet.length > 0 && frameMillis(packet) == 20) {
                        packets.add(packet);
                    }
                    index++;
                }
            }
            pos = data;
        }
        if (channels < 0 || packets.isEmpty()) {
            throw new ClipFormatException("no Opus packets of 20 ms found");
        }
        return new AudioClip(channels, packets);
    }

    private static int opusHead(byte[] packet, int pagePos) throws ClipFormatException {
        if (packet.length < 19 || !new String(packet, 0, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
            throw new ClipFormatException("byte " + pagePos + ": the first packet is not OpusHead");
        }
        return packet[9] & 0xFF;
    }

    /** Duration of a single-frame Opus packet from its TOC byte (RFC 6716 3.1); -1 for other codes. */
    static int frameMillis(byte[] packet) {
        int toc = packet[0] & 0xFF;
        if ((toc & 0x03) != 0) {
            return -1;
        }
        int config = toc >>> 3;
        int[] silk = {10, 20, 40, 60};
        if (config < 12) {
            return silk[config & 3];
        }
        if (config < 16) {
            return (config & 1) == 0 ? 10 : 20;
        }
        int[] celt = {2, 5, 10, 20};
        return celt[config & 3] == 2 ? 2 : celt[config & 3];
    }
}
