#!/usr/bin/env bash
# Real-client compatibility checks: builds and starts `edgeai server` on a free port in a
# temporary data directory, waits for /readyz, runs kubectl.sh and python_client.py against it,
# stops the server. Exits non-zero (with the failing step named) on any failure.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

fail() { echo "compat: FAIL: $*" >&2; exit 1; }

echo "compat: kubectl kustomize deploy/ (the real-cluster manifests must render)"
kubectl kustomize deploy/ >/tmp/edgeai-kustomize.yaml 2>&1 || { cat /tmp/edgeai-kustomize.yaml; fail "kubectl kustomize deploy/"; }
for kind in CustomResourceDefinition Namespace ClusterRole Deployment Service DaemonSet; do
  grep -q "^kind: $kind\$" /tmp/edgeai-kustomize.yaml || fail "kubectl kustomize deploy/ renders no $kind"
done

echo "compat: building edgeai (debug)"
swift build --product edgeai >/tmp/edgeai-compat-build.log 2>&1 || { tail -40 /tmp/edgeai-compat-build.log; fail "swift build"; }
BIN="$(swift build --product edgeai --show-bin-path)/edgeai"

DATA="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
LOG="$DATA/server.log"
"$BIN" server --data-dir "$DATA" --port "$PORT" >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill -TERM "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

deadline=$((SECONDS + 60))
until [ -f "$DATA/kubeconfig" ] && curl -skf "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$SERVER" 2>/dev/null || { cat "$LOG"; fail "server exited during startup"; }
  [ $SECONDS -lt $deadline ] || { cat "$LOG"; fail "server not ready within 60 s"; }
  sleep 0.2
done
echo "compat: server ready on port $PORT"

export KUBECONFIG="$DATA/kubeconfig"
export COMPAT_SAMPLES="$HERE/samples.yaml"
bash "$HERE/kubectl.sh" || { tail -30 "$LOG"; fail "kubectl checks"; }
COMPAT_DATA="$DATA" COMPAT_BIN="$BIN" bash "$HERE/kubectl_auth.sh" || { tail -30 "$LOG"; fail "kubectl auth checks"; }
python3 "$HERE/python_client.py" || { tail -30 "$LOG"; fail "python client checks"; }
python3 "$HERE/streaming_list.py" || { tail -30 "$LOG"; fail "streaming list (client-go's WatchList request)"; }

echo "compat: the edgeai CLI and kubectl see the same objects"
applied="$("$BIN" apply -f "$COMPAT_SAMPLES")" || fail "edgeai apply"
grep -Eq '^dataset.edgeai.io/[a-z0-9-]+ (created|configured|unchanged)$' <<<"$applied" || fail "edgeai apply printed: $applied"
listed="$("$BIN" get datasets)" || fail "edgeai get"
grep -Eq '^NAME +NUMBEROFSAMPLES +NODE +SPEC +AGE$' <<<"$listed" || fail "edgeai get printed: $listed"
"$BIN" create dataset cli-made --url /data/cli.txt --format txt --node edge0 >/dev/null || fail "edgeai create"
[ "$(kubectl get dataset cli-made -o jsonpath='{.spec.nodeName}')" = edge0 ] || fail "kubectl does not see the CLI's dataset"
"$BIN" delete dataset cli-made >/dev/null || fail "edgeai delete"
"$BIN" delete -f "$COMPAT_SAMPLES" >/dev/null || fail "edgeai delete -f"
echo "compat: all checks passed"
