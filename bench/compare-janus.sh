#!/usr/bin/env bash
# Side by side: the lancast gateway and the Janus streaming plugin, one after the other on this
# machine, fed the same test clip (lancast send -> bridge -> multicast -> gateway; lancast bench
# feed-rtp -> Janus mountpoint), loaded by the same generator (lancast bench viewers) at a series
# of viewer counts. Server (gateway or Janus) pinned to CPU 0; bridge, feed and load generator to
# CPU 1. Everything runs in two network namespaces of its own (198.18.200.0/24), removed at exit.
# Prints one table and writes a PNG plot. Needs root; installs Debian janus and gnuplot-nox if missing.
#
#   bench/compare-janus.sh [--viewers "50 100 250 500"] [--seconds 20] [--join-rate 50] [--out DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
viewers="50 100 250 500 750 1000"
seconds=20
join_rate=50
warmup=20   # sessions that join and close before each measured run (cold JVMs are not join time)
out="$here/bench/target/compare-janus"
servers="lancast janus"
while (( $# )); do
  case "$1" in
    --viewers) viewers="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --join-rate) join_rate="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --servers) servers="$2"; shift 2 ;;
    *) echo "usage: $0 [--viewers \"N ...\"] [--seconds S] [--join-rate R] [--warmup N] [--out DIR] [--servers \"lancast janus\"]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "compare-janus: needs root (network namespaces)" >&2; exit 2; }
(( $(nproc) >= 2 )) || { echo "compare-janus: needs 2 CPUs (server on CPU 0, load on CPU 1)" >&2; exit 2; }

need=()
command -v janus >/dev/null || need+=(janus)
command -v gnuplot >/dev/null || need+=(gnuplot-nox)
command -v ip >/dev/null || need+=(iproute2)
if (( ${#need[@]} )); then
  echo "compare-janus: installing ${need[*]} (apt-get)"
  guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then   # no service may start on install (Janus would, on every interface)
    guard=/usr/sbin/policy-rc.d; printf '#!/bin/sh\nexit 101\n' > "$guard"; chmod 755 "$guard"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  [[ -n "$guard" ]] && rm -f "$guard"
fi
[[ -f "$here/launcher/target/lancast.jar" ]] || (cd "$here" && mvn -B -q -ntp -DskipTests install)
lancast=(java -XX:+ExitOnOutOfMemoryError ${BENCH_JAVA_OPTS:-} -jar "$here/launcher/target/lancast.jar")

id=$$
srv="lcbs$id"; load="lcbl$id"; srv_if="lbs$id"; load_if="lbl$id"
srv_ip=198.18.200.1; load_ip=198.18.200.2
work="$(mktemp -d)"
pids=()
stop_pids() { # SIGINT (the JVMs stop cleanly), then SIGKILL whatever is left after 10 s
  (( ${#pids[@]} )) || return 0
  kill -INT "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 100); do
    local alive=0 p
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
  pids=()
}
cleanup() {
  stop_pids
  mkdir -p "$out/logs" && cp "$work"/*.log "$out/logs/" 2>/dev/null || true
  ip netns del "$srv" 2>/dev/null || true
  ip netns del "$load" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$srv"; ip netns add "$load"
ip link add "$srv_if" netns "$srv" type veth peer name "$load_if" netns "$load"
ip -n "$srv" addr add "$srv_ip/24" dev "$srv_if"; ip -n "$load" addr add "$load_ip/24" dev "$load_if"
for ns in "$srv" "$load"; do ip -n "$ns" link set lo up; done
ip -n "$srv" link set "$srv_if" up; ip -n "$load" link set "$load_if" up
# Multicast between bridge and gateway stays on the server namespace's loopback.
ip -n "$srv" link set lo multicast on
ip -n "$srv" route add 239.255.0.0/16 dev lo
mkdir -p "$out"

start() { # NAME CPU COMMAND...: starts a process in the server namespace (pid in $last_pid), logs to $work/NAME.log
  local name="$1" cpu="$2"; shift 2
  # ip netns exec and taskset both exec, so $! is the server process itself (for /proc/PID/stat).
  ip netns exec "$srv" taskset -c "$cpu" "$@" > "$work/$name.log" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
}
wait_for() { # FILE PATTERN SECONDS [PID]: fails at once if the process PID has exited
  for _ in $(seq 1 $(( $3 * 10 ))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    if [[ -n "${4:-}" ]] && ! kill -0 "$4" 2>/dev/null; then
      echo "compare-janus: $(basename "$1" .log) exited before '$2':" >&2; tail -20 "$1" >&2; return 1
    fi
    sleep 0.1
  done
  echo "compare-janus: timed out waiting for '$2' in $1:" >&2; tail -20 "$1" >&2; return 1
}
load() { # SERVER N ARGS...: one load run from the load namespace on CPU 1
  local server="$1" n="$2"; shift 2
  echo "== $server, $n viewers"
  ip netns exec "$load" taskset -c 1 "${lancast[@]}" bench viewers --viewers "$n" --seconds "$seconds" \
    --join-rate "$join_rate" --warmup "$warmup" --json "$out/$server-$n.json" "$@" | tee "$out/$server-$n.txt"
}

if [[ " $servers " == *" lancast "* ]]; then
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'); gwtoken=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  cat > "$work/bridge.yaml" <<YAML
http: { listen: 127.0.0.1:8080 }
stateDirectory: $work
media: { listen: 127.0.0.1:10000 }
feedback: 127.0.0.1:10002
multicast: { interface: lo, ttl: 1, sendTimestamps: true }
keys: { gatewayTokens: { bench-gateway: $gwtoken } }
streams:
  - name: main
    tokens: [$token]
    video: { group: 239.255.200.1, port: 5004 }
    audio: { group: 239.255.200.1, port: 5006 }
discovery: { interface: lo }
YAML
  cat > "$work/gateway.yaml" <<YAML
http: { listen: $srv_ip:8081 }
media: { listen: $srv_ip:10001 }
bridgeUrl: https://127.0.0.1:8443
bridgeToken: $gwtoken
multicast: { interface: lo }
limits: { maxSessions: 5000, maxSessionsPerAddress: 5000, stunPerAddressPerSecond: 100000 }  # all viewers come from one address
discovery: { interface: lo, name: bench-gateway }
YAML
  start bridge 1 "${lancast[@]}" bridge --config "$work/bridge.yaml"; bridge_pid=$last_pid
  wait_for "$work/bridge.log" "bridge ready" 90 "$bridge_pid"
  start sender 1 "${lancast[@]}" send --whip http://127.0.0.1:8080/whip/main --token "$token"
  wait_for "$work/sender.log" "publishing" 60 "$last_pid"
  start gateway 0 "${lancast[@]}" gateway --config "$work/gateway.yaml"; gateway_pid=$last_pid
  wait_for "$work/gateway.log" "joined video group" 90 "$gateway_pid"
  sleep 2
  for n in $viewers; do
    load lancast "$n" --whep "http://$srv_ip:8081/whep/main" --server-pid "gateway=$gateway_pid" --server-pid "bridge=$bridge_pid"
    sleep 2
  done
  stop_pids
fi

if [[ " $servers " == *" janus "* ]]; then
  jconf="$work/janus"; mkdir -p "$jconf"
  libdir=$(dirname "$(dpkg -L janus | grep -m1 '/janus/plugins/libjanus_streaming.so')")
  cat > "$jconf/janus.jcfg" <<JCFG
general: {
  configs_folder = "$jconf"
  plugins_folder = "$libdir"
  transports_folder = "$(dirname "$libdir")/transports"
  events_folder = "$(dirname "$libdir")/events"
  loggers_folder = "$(dirname "$libdir")/loggers"
  debug_level = ${JANUS_DEBUG:-4}
  interface = "$srv_ip"
  session_timeout = 0
}
media: { rtp_port_range = "20000-40000" }
nat: {
  ice_lite = true
  ice_enforce_list = "$srv_if"
  nice_debug = ${JANUS_NICE_DEBUG:-false}
}
plugins: { disable = "libjanus_videoroom.so,libjanus_echotest.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_nosip.so,libjanus_audiobridge.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so,libjanus_duktape.so,libjanus_lua.so" }
transports: { disable = "libjanus_websockets.so,libjanus_rabbitmq.so,libjanus_mqtt.so,libjanus_pfunix.so,libjanus_nanomsg.so" }
events: { broadcast = false }
loggers: { disable = "libjanus_jsonlog.so" }
JCFG
  cat > "$jconf/janus.transport.http.jcfg" <<JCFG
general: { json = "indented" base_path = "/janus" http = true port = 8088 ip = "$srv_ip" https = false }
admin: { admin_http = false }
JCFG
  cat > "$jconf/janus.plugin.streaming.jcfg" <<JCFG
general: { }
lancast-clip: {
  type = "rtp"
  id = 1
  description = "lancast test clip"
  media = (
    { type = "video" mid = "v" label = "video" port = 5004 pt = 96 codec = "vp8" },
    { type = "audio" mid = "a" label = "audio" port = 5002 pt = 111 codec = "opus" }
  )
}
JCFG
  start janus 0 janus -F "$jconf" --log-stdout; janus_pid=$last_pid
  wait_for "$work/janus.log" "HTTP webserver started" 60 "$janus_pid"
  start feed 1 "${lancast[@]}" bench feed-rtp --video 127.0.0.1:5004 --audio 127.0.0.1:5002 --seconds 3600
  wait_for "$work/feed.log" "feeding the test clip" 60 "$last_pid"
  sleep 2
  for n in $viewers; do
    load janus "$n" --janus "http://$srv_ip:8088" --mountpoint 1 --server-pid "janus=$janus_pid"
    sleep 2
  done
  stop_pids
fi

python3 "$here/bench/compare-table.py" "$out" $viewers
