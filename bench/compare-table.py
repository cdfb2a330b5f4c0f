#!/usr/bin/env python3
"""Turns the JSON reports of bench/compare-janus.sh into one table (stdout, and table.md) and a
PNG plot (CPU per delivered packet and loss against viewers, both servers) drawn by gnuplot."""
import json
import os
import subprocess
import sys

out, counts = sys.argv[1], [int(n) for n in sys.argv[2:]]


def report(server, n):
    path = os.path.join(out, f"{server}-{n}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def cpu(r, name):
    for c in r["cpu"]:
        if c["name"] == name:
            return c
    return None


def fmt(v, spec):
    if v is None or isinstance(v, str) or v != v:  # absent, or NaN (written by Jackson as "NaN")
        return "n/a"
    return format(v, spec)


rows = []
header = ("| server | viewers | connected | delivered pps | loss % | server µs/pkt | kernel % | server cores "
          "| join p50 / p95 ms | keyframe p50 / p95 ms | delay p50 / p99 ms | bridge cores | loadgen µs/pkt |")
rows.append(header)
rows.append("|" + "---|" * (header.count("|") - 1))
plot = {"lancast": [], "janus": []}
for server, name in (("lancast", "gateway"), ("janus", "janus")):
    for n in counts:
        r = report(server, n)
        if r is None:
            continue
        s, b, g = cpu(r, name), cpu(r, "bridge"), cpu(r, "loadgen")
        jp, jk, d = r["firstPacketMs"], r["firstKeyframeMs"], r["delayMs"]
        rows.append(f"| {server} | {n} | {r['connected']} | {r['deliveredPerSecond']:.0f} | {r['lossPercent']:.3f} "
                    f"| {fmt(s and s['microsPerDeliveredPacket'], '.2f')} "
                    f"| {fmt(s and s.get('kernelShare') is not None and s['kernelShare'] * 100, '.0f')} "
                    f"| {fmt(s and s['cores'], '.3f')} "
                    f"| {fmt(jp['p50'], '.0f')} / {fmt(jp['p95'], '.0f')} | {fmt(jk['p50'], '.0f')} / {fmt(jk['p95'], '.0f')} "
                    f"| {fmt(d['p50'], '.2f')} / {fmt(d['p99'], '.2f')} | {fmt(b and b['cores'], '.3f')} "
                    f"| {fmt(g and g['microsPerDeliveredPacket'], '.2f')} |")
        if s and not isinstance(s["microsPerDeliveredPacket"], str):
            plot[server].append((n, s["microsPerDeliveredPacket"], r["lossPercent"], s["cores"]))
table = "\n".join(rows)
print(table)
with open(os.path.join(out, "table.md"), "w") as f:
    f.write(table + "\n")

data = os.path.join(out, "plot.dat")
with open(data, "w") as f:
    for server in ("lancast", "janus"):
        f.write(f"# {server}\n")
        for n, us, loss, cores in plot[server]:
            f.write(f"{n} {us} {loss} {cores}\n")
        f.write("\n\n")
png = os.path.join(out, "compare-janus.png")
script = f"""
set terminal png size 1100,450
set output '{png}'
set multiplot layout 1,2 title 'lancast gateway vs Janus streaming plugin (server pinned to one core)'
set xlabel 'viewers'
set ylabel 'server CPU µs per delivered packet'
set key top left
set grid
plot '{data}' index 0 using 1:2 with linespoints title 'lancast', '' index 1 using 1:2 with linespoints title 'Janus'
set ylabel 'loss at viewers (%)'
plot '{data}' index 0 using 1:3 with linespoints title 'lancast', '' index 1 using 1:3 with linespoints title 'Janus'
unset multiplot
"""
if plot["lancast"] or plot["janus"]:
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    print(f"plot: {png}")
