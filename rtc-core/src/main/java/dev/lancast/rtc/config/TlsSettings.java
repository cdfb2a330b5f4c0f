package dev.lancast.rtc.config;

import java.util.List;

/**
 * HTTPS for bridge or gateway (docs/security.md).
 *
 * @param listen                   HTTPS address and port; null means the plain HTTP host on the process's TLS port
 * @param certificate              PEM file: the server certificate, then its intermediates
 * @param privateKey               PEM file: the certificate's private key (PKCS#8, SEC1 or PKCS#1, not encrypted)
 * @param selfSigned               when the two files do not exist, generate an ECDSA P-256 certificate at start
 *                                 (and write it to them, if given, so it survives restarts)
 * @param selfSignedNames          extra DNS names and IP addresses for a generated certificate
 * @param clientCa                 PEM file of the CA(s) whose client certificates identify gateways (mutual TLS)
 * @param requireClientCertificate refuse TLS connections without such a certificate (browsers cannot connect then)
 */
public record TlsSettings(
        HostPort listen,
        String certificate,
        String privateKey,
        boolean selfSigned,
        List<String> selfSignedNames,
        String clientCa,
        boolean requireClientCertificate) {
    public TlsSettings {
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("certificate and privateKey go together: give both or neither");
        }
        if (certificate == null && !selfSigned) {
            throw new IllegalArgumentException("certificate and privateKey are required unless selfSigned: true");
        }
        if (selfSignedNames != null && !selfSignedNames.isEmpty() && !selfSigned) {
            throw new IllegalArgumentException("selfSignedNames is only used with selfSigned: true");
        }
        selfSignedNames = selfSignedNames == null ? List.of() : List.copyOf(selfSignedNames);
        for (String name : selfSignedNames) {
            if (name == null || name.isBlank() || name.contains(" ")) {
                throw new IllegalArgumentException(
                        "selfSignedNames must be DNS names or IP addresses, got '" + name + "'");
            }
        }
        if (requireClientCertificate && clientCa == null) {
            throw new IllegalArgumentException(
                    "requireClientCertificate needs clientCa (the CA that signs the client certificates)");
        }
    }

    /**
     * A certificate the process makes on first start and keeps in these files (reused, so its
     * fingerprint stays across restarts): the bridge's HTTPS when the admin gave none.
     */
    public static TlsSettings kept(HostPort listen, String certificate, String privateKey) {
        return new TlsSettings(listen, certificate, privateKey, true, null, null, false);
    }

    TlsSettings withListen(HostPort address) {
        return new TlsSettings(
                address, certificate, privateKey, selfSigned, selfSignedNames, clientCa, requireClientCertificate);
    }
}
