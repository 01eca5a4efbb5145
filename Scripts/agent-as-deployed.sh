#!/bin/sh
# Runs `edgeai edge` as deploy/edge/daemonset.yaml does, for measuring the agent as it ships:
#   SCRATCH=.build-static deploy/build-static.sh /tmp/edgeai-image
#   .build/release/edgeai-bench edge --agent Scripts/agent-as-deployed.sh …
# - the image's binary (static Swift runtime, stripped): EDGEAI_BINARY, default
#   /tmp/edgeai-image/edgeai-node (the DaemonSet's command; /tmp/edgeai-image/edgeai is the same
#   agent in the all-in-one binary);
# - the local API on a fixed port (`--api-port 0` becomes EDGEAI_PORT, default 17070), probed
#   every 20 s (EDGEAI_PROBE_SECONDS) by the DaemonSet's liveness command (`edgeai healthz --port`) from the same binary,
#   as the kubelet does; the probe stops when the agent does.
# - EDGEAI_CGROUP: a memory cgroup (v1 or v2) directory to run in, agent and probe, as the pod's
#   container is, so its usage and working set (usage minus inactive file pages, the kubelet's
#   figure) can be read from the cgroup's files.
# The agent keeps this script's process id (exec), so the benchmark samples the agent itself.
set -eu
if [ -n "${EDGEAI_CGROUP:-}" ]; then echo $$ > "$EDGEAI_CGROUP/cgroup.procs"; fi
binary="${EDGEAI_BINARY:-/tmp/edgeai-image/edgeai-node}"
port="${EDGEAI_PORT:-17070}"
# Seconds between liveness probes (the DaemonSet's periodSeconds); 0: no probe, for comparison.
period="${EDGEAI_PROBE_SECONDS:-20}"
agent=$$
running() { [ -r "/proc/$agent/stat" ] && [ "$(cut -d' ' -f3 "/proc/$agent/stat")" != Z ]; }
# The probe holds none of the agent's standard output (whoever reads it sees its end).
(
  while [ "$period" -gt 0 ] && running; do
    sleep "$period"
    running || break
    "$binary" healthz --port "$port" >/dev/null 2>&1 || echo "agent-as-deployed: liveness probe failed" >&2
  done
) >/dev/null &
previous=""
for argument in "$@"; do
  shift
  if [ "$previous" = "--api-port" ]; then argument="$port"; fi
  set -- "$@" "$argument"
  previous="$argument"
done
exec "$binary" "$@"
