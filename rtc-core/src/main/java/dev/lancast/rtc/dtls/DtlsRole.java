package dev.lancast.rtc.dtls;

/** Our DTLS role: a server for answers with a=setup:passive, a client when we offer (our sender). */
public enum DtlsRole {
    SERVER,
    CLIENT
}
