package dev.lancast.rtc.sdp;

/** One a= line; value is null for flags such as a=rtcp-mux. */
public record Attribute(String name, String value) {}
