#!/bin/sh
# Samples a memory cgroup every 200 ms, as the kubelet reads a container (cgroup v1 files):
#   Scripts/cgroup-memory.sh CGROUP-DIRECTORY OUTPUT-FILE
# One line per sample: seconds since the epoch, working set (usage minus inactive file pages, the
# kubelet's container_memory_working_set_bytes), usage, anonymous, active and inactive file pages,
# all in KiB. Runs until killed. With Scripts/agent-as-deployed.sh (EDGEAI_CGROUP=the same
# directory) the agent and its probe run in that cgroup.
set -eu
cgroup="${1:?usage: cgroup-memory.sh CGROUP-DIRECTORY OUTPUT-FILE}"
out="${2:?usage: cgroup-memory.sh CGROUP-DIRECTORY OUTPUT-FILE}"
: > "$out"
while true; do
  usage=$(cat "$cgroup/memory.usage_in_bytes")
  awk -v usage="$usage" -v now="$(date +%s.%N)" '
    /^total_rss / { anon = $2 } /^total_active_file / { active = $2 } /^total_inactive_file / { inactive = $2 }
    END { printf "%.1f ws=%d usage=%d anon=%d active_file=%d inactive_file=%d\n", now, (usage - inactive) / 1024, usage / 1024, anon / 1024, active / 1024, inactive / 1024 }
  ' "$cgroup/memory.stat" >> "$out"
  sleep 0.2
done
