#!/usr/bin/python3
"""A WHIP publisher built on GStreamer's webrtcbin, as hardware and software encoders on
GStreamer/libnice are: VP8 + Opus test sources, bundle-policy max-bundle (so the audio m-line
is offered bundle-only, RFC 8843), a complete offer POSTed to the WHIP URL, the answer applied.

Usage: whip-publish.py WHIP_URL TOKEN SECONDS [--offer-only] [--local-ip IP]
Prints "offer:" + the offer (JSON string), then "connected" once ICE is connected, then
"published N s" at the end; exits 0 when it ran for SECONDS seconds connected, 1 otherwise.
--offer-only prints the offer and exits (used to capture SDP test resources).
"""
import json
import sys
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

PIPELINE = (
    "webrtcbin name=pc bundle-policy=max-bundle "
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1 ! "
    "vp8enc deadline=1 keyframe-max-dist=30 target-bitrate=300000 ! rtpvp8pay pt=96 ! "
    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! pc. "
    "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! "
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! pc. "
)


def main():
    args = sys.argv[1:]
    offer_only = "--offer-only" in args
    local_ip = "127.0.0.1"
    if "--local-ip" in args:
        local_ip = args[args.index("--local-ip") + 1]
    positional = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--local-ip")]
    url, token, seconds = positional[0], positional[1], int(positional[2])

    Gst.init(None)
    pipeline = Gst.parse_launch(PIPELINE)
    pc = pipeline.get_by_name("pc")
    # libnice gathers no loopback candidates of its own; the test runs on loopback. The agent is
    # a floating GstObject in GStreamer 1.22: its Python wrapper must live as long as the pipeline,
    # or dropping the wrapper frees the agent under webrtcbin.
    ice_agent = pc.get_property("ice-agent")
    ice_agent.emit("add-local-ip-address", local_ip)
    loop = GLib.MainLoop()
    result = {"ok": False, "connected": False}

    def fail(message):
        print("error: " + message, flush=True)
        loop.quit()

    def post_offer(offer_sdp):
        request = urllib.request.Request(url, data=offer_sdp.encode(), method="POST", headers={
            "Content-Type": "application/sdp", "Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.read().decode()
        except urllib.error.HTTPError as e:
            fail("WHIP POST answered %d: %s" % (e.code, e.read().decode(errors="replace")))
        except OSError as e:
            fail("WHIP POST failed: %s" % e)
        return None

    def on_gathered():
        offer_sdp = pc.get_property("local-description").sdp.as_text()
        print("offer:" + json.dumps(offer_sdp), flush=True)
        if offer_only:
            result["ok"] = True
            loop.quit()
            return
        answer_sdp = post_offer(offer_sdp)
        if answer_sdp is None:
            return
        print("answer:" + json.dumps(answer_sdp), flush=True)
        ok, msg = GstSdp.SDPMessage.new_from_text(answer_sdp)
        answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
        pc.emit("set-remote-description", answer, Gst.Promise.new())

    def on_gathering_state(element, _pspec):
        if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(lambda: (on_gathered(), False)[1])

    def on_ice_state(element, _pspec):
        state = element.get_property("ice-connection-state")
        print("ice-connection-state: " + state.value_nick, flush=True)
        if state in (GstWebRTC.WebRTCICEConnectionState.CONNECTED, GstWebRTC.WebRTCICEConnectionState.COMPLETED):
            if not result["connected"]:
                result["connected"] = True
                print("connected", flush=True)
                GLib.timeout_add_seconds(seconds, finish)
        elif state in (GstWebRTC.WebRTCICEConnectionState.FAILED, GstWebRTC.WebRTCICEConnectionState.DISCONNECTED,
                       GstWebRTC.WebRTCICEConnectionState.CLOSED) and result["connected"]:
            fail("ICE went " + state.value_nick)

    def finish():
        result["ok"] = True
        print("published %d s" % seconds, flush=True)
        loop.quit()
        return False

    def on_offer_created(promise, _data):
        reply = promise.get_reply()
        offer = reply.get_value("offer") if reply is not None else None
        if offer is None:
            fail("create-offer failed: %s" % (reply.to_string() if reply is not None else "no reply"))
            return
        pc.emit("set-local-description", offer, Gst.Promise.new())

    def on_negotiation_needed(_element):
        pc.emit("create-offer", None, Gst.Promise.new_with_change_func(on_offer_created, None))

    def on_message(_bus, message):
        if message.type == Gst.MessageType.ERROR:
            err, debug = message.parse_error()
            fail("%s (%s)" % (err.message, debug))

    pc.connect("on-negotiation-needed", on_negotiation_needed)
    pc.connect("notify::ice-gathering-state", on_gathering_state)
    pc.connect("notify::ice-connection-state", on_ice_state)
    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    pipeline.set_state(Gst.State.PLAYING)
    GLib.timeout_add_seconds(seconds + 60, lambda: (fail("did not finish in time"), False)[1])
    try:
        loop.run()
    finally:
        pipeline.set_state(Gst.State.NULL)
        del ice_agent
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
