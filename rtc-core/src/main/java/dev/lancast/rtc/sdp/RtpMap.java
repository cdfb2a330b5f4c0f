package dev.lancast.rtc.sdp;

/** a=rtpmap:&lt;pt&gt; &lt;encoding&gt;/&lt;clock rate&gt;[/&lt;channels&gt;] */
public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {}
