package dev.lancast.rtc.dtls;

import dev.lancast.rtc.srtp.SrtpProfile;
import java.util.Arrays;

/** SRTP master keys exported from a DTLS handshake (RFC 5764 4.2), seen from our side. */
public record SrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt) {

    /** Splits client_key | server_key | client_salt | server_salt by our role. */
    static SrtpKeys fromExporter(SrtpProfile profile, byte[] material, DtlsRole role) {
        int k = profile.keyLength();
        int s = profile.saltLength();
        byte[] clientKey = Arrays.copyOfRange(material, 0, k);
        byte[] serverKey = Arrays.copyOfRange(material, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(material, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s);
        return role == DtlsRole.CLIENT
                ? new SrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt)
                : new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
    }

    static int exporterLength(SrtpProfile profile) {
        return 2 * (profile.keyLength() + profile.saltLength());
    }
}
