#!/usr/bin/env bash
# Wall-clock time of edgeai CLI commands and of the same kubectl commands, against one freshly
# started embedded server (`edgeai server --process-crash-safe`) holding 200 Datasets. Not part
# of CI; the figures are in BENCHMARKS-cli.md. Usage: Tests/compat/cli_timing.sh [debug|release]
set -euo pipefail
CONFIG="${1:-debug}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
swift build -c "$CONFIG" --product edgeai >/dev/null
B="$(swift build -c "$CONFIG" --product edgeai --show-bin-path)/edgeai"
DIR="$(mktemp -d)"
"$B" server --data-dir "$DIR/data" --port 0 --process-crash-safe >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DIR"' EXIT
until [ -f "$DIR/data/kubeconfig" ]; do sleep 0.1; done
export KUBECONFIG="$DIR/data/kubeconfig"
python3 - "$DIR/many.yaml" <<'PY'
import sys
docs = [f"apiVersion: edgeai.io/v1alpha1\nkind: Dataset\nmetadata:\n  name: d{i}\nspec:\n  dataUrl: /data/d{i}.txt\n  format: txt\n  nodeName: edge{i % 10}\n" for i in range(200)]
open(sys.argv[1], "w").write("---\n".join(docs))
PY
M="$DIR/many.yaml"
t() { local n=$1; shift; local s e; s=$(date +%s.%N); for _ in $(seq "$n"); do "$@" >/dev/null 2>&1; done; e=$(date +%s.%N); python3 -c "print(f'{($e-$s)/$n*1000:.0f} ms')"; }
echo "| command | edgeai | kubectl |"
echo "| --- | --- | --- |"
echo "| apply -f (200 new) | $(t 1 "$B" apply -f "$M") | $("$B" delete -f "$M" >/dev/null; t 1 kubectl apply -f "$M") |"
echo "| apply -f (200 unchanged) | $(t 3 "$B" apply -f "$M") | $(t 3 kubectl apply -f "$M") |"
echo "| get datasets (200 rows) | $(t 10 "$B" get dset) | $(t 10 kubectl get dset) |"
echo "| get datasets -o json | $(t 10 "$B" get dset -o json) | $(t 10 kubectl get dset -o json) |"
echo "| get datasets -o yaml | $(t 10 "$B" get dset -o yaml) | $(t 10 kubectl get dset -o yaml) |"
echo "| get dataset NAME | $(t 10 "$B" get dset d5) | $(t 10 kubectl get dset d5) |"
echo "| delete -f (200) | $(t 1 "$B" delete -f "$M") | $(kubectl apply -f "$M" >/dev/null; t 1 kubectl delete -f "$M" --wait=false) |"
echo "| version | $(t 10 "$B" version) | $(t 10 kubectl version) |"
