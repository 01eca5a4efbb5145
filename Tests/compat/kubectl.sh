#!/usr/bin/env bash
# kubectl against the server in $KUBECONFIG: everyday commands, with their output checked.
set -euo pipefail
: "${KUBECONFIG:?set KUBECONFIG}" "${COMPAT_SAMPLES:?set COMPAT_SAMPLES}"
K="kubectl --request-timeout=20s"
step() { echo "kubectl: $*"; }
fail() { echo "kubectl: FAIL: $*" >&2; exit 1; }
expect() { # expect <description> <haystack> <needle>
  grep -qF -- "$3" <<<"$2" || { echo "$2" >&2; fail "$1: expected to find '$3'"; }
}

step "api-resources"
out=$($K api-resources --api-group=edgeai.io)
expect "api-resources" "$out" "datasets"
expect "api-resources" "$out" "models"

step "get -w in the background"
WATCH_OUT=$(mktemp)
$K get datasets -w >"$WATCH_OUT" 2>&1 &
WATCH_PID=$!
trap 'kill $WATCH_PID 2>/dev/null || true; rm -f "$WATCH_OUT"' EXIT

step "apply samples"
out=$($K apply -f "$COMPAT_SAMPLES")
expect "apply" "$out" "dataset.edgeai.io/dataset-examp created"
expect "apply" "$out" "model.edgeai.io/model-examp created"
out=$($K apply -f "$COMPAT_SAMPLES")
expect "re-apply" "$out" "dataset.edgeai.io/dataset-examp unchanged"

step "get with printer columns"
out=$($K get datasets)
expect "get columns" "$out" "NUMBEROFSAMPLES"
expect "get columns" "$out" "NODE"
line=$(grep '^dataset-examp ' <<<"$out") || fail "get: no dataset-examp row"
awk '{ if ($2 != "edge0") exit 1 }' <<<"$line" || fail "get: NODE column is not edge0 in: $line"

step "get -o yaml / -o json"
out=$($K get dataset dataset-examp -o yaml)
expect "get -o yaml" "$out" "nodeName: edge0"
expect "get -o yaml" "$out" "resourceVersion:"
out=$($K get dataset dataset-examp -o json)
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["spec"]["dataUrl"]=="/code/data", d' <<<"$out" || fail "get -o json"

step "patch --subresource=status"
out=$($K patch dataset dataset-examp --subresource=status --type=merge -p '{"status":{"numberOfSamples":42}}')
expect "patch status" "$out" "patched"
out=$($K get datasets)
line=$(grep '^dataset-examp ' <<<"$out")
awk '{ if ($2 != "42" || $3 != "edge0") exit 1 }' <<<"$line" || fail "get after status patch: $line"

step "wait --for=jsonpath"
$K wait dataset/dataset-examp --for=jsonpath='{.status.numberOfSamples}'=42 --timeout=15s >/dev/null || fail "wait"

step "describe"
out=$($K describe dataset dataset-examp)
# describe aligns values to the longest key of the block (the NodeReachable condition's lines).
grep -qE -- "Number Of Samples: +42$" <<<"$out" || { echo "$out" >&2; fail "describe: expected 'Number Of Samples:' 42"; }
expect "describe" "$out" "Reason:                NodeNeverConnected"
expect "describe" "$out" "Node Name:"

step "patch (edit) spec"
$K patch dataset dataset-examp --type=merge -p '{"spec":{"format":"csv"}}' >/dev/null || fail "patch spec"
out=$($K get dataset dataset-examp -o jsonpath='{.spec.format} {.metadata.generation} {.status.numberOfSamples}')
[ "$out" = "csv 2 42" ] || fail "after spec patch expected 'csv 2 42', got '$out'"

step "strategic patch is refused with 415"
if out=$($K patch dataset dataset-examp --type=strategic -p '{"spec":{"format":"txt"}}' 2>&1); then fail "strategic patch succeeded"; fi
expect "strategic" "$out" "application/strategic-merge-patch+json is not supported"

step "explain"
out=$($K explain datasets.spec)
expect "explain" "$out" "dataUrl"
expect "explain" "$out" "nodeName"

step "server-side apply over the field kubectl patch changed: a conflict; --force-conflicts takes it"
if out=$($K apply --server-side -f "$COMPAT_SAMPLES" 2>&1); then fail "apply --server-side over kubectl-patch's .spec.format succeeded"; fi
expect "apply --server-side conflict" "$out" 'Apply failed with 1 conflict: conflict with "kubectl-patch" using edgeai.io/v1alpha1: .spec.format'
[ "$($K get dataset dataset-examp -o jsonpath='{.spec.format}')" = csv ] || fail "a conflicting apply changed the object"
out=$($K apply --server-side --force-conflicts -f "$COMPAT_SAMPLES")
expect "apply --server-side --force-conflicts" "$out" "dataset.edgeai.io/dataset-examp serverside-applied"
[ "$($K get dataset dataset-examp -o jsonpath='{.spec.format}')" = txt ] || fail "--force-conflicts did not apply .spec.format"

step "client-side apply, then server-side apply of a changed field: kubectl migrates the ownership"
SSA_YAML=$(mktemp --suffix=.yaml)
cat >"$SSA_YAML" <<'YAML'
apiVersion: edgeai.io/v1alpha1
kind: Dataset
metadata:
  name: ssa-examp
spec:
  dataUrl: /code/data
  format: txt
  nodeName: edge0
YAML
# The main resource's managers, sorted (a real cluster orders entries by time, which ties within
# a second; the server's own status writer has a separate `subresource: status` entry).
managers() {
  $K get dataset ssa-examp -o jsonpath='{range .metadata.managedFields[*]}{.manager}/{.subresource}{"\n"}{end}' |
    grep -v '/status$' | sed 's|/$||' | sort | paste -sd' '
}
out=$($K apply -f "$SSA_YAML")
expect "client-side apply" "$out" "dataset.edgeai.io/ssa-examp created"
[ "$(managers)" = "kubectl-client-side-apply" ] || fail "after a client-side apply expected manager kubectl-client-side-apply, got '$(managers)'"
sed -i 's/format: txt/format: csv/' "$SSA_YAML"
out=$($K apply --server-side -f "$SSA_YAML" 2>&1) || { echo "$out" >&2; fail "apply --server-side after a client-side apply"; }
expect "apply --server-side after client-side" "$out" "dataset.edgeai.io/ssa-examp serverside-applied"
[ "$($K get dataset ssa-examp -o jsonpath='{.spec.format}')" = csv ] || fail "server-side apply did not change .spec.format"
[ "$(managers)" = "kubectl kubectl-last-applied" ] || fail "after the migration expected managers 'kubectl kubectl-last-applied', got '$(managers)'"
[ "$($K get dataset ssa-examp -o jsonpath='{.metadata.managedFields[?(@.manager=="kubectl")].operation}')" = Apply ] || fail "kubectl's entry is not an Apply"

step "kubectl label, then a server-side apply with another value: a conflict; --force-conflicts takes it"
$K label dataset ssa-examp team=vision >/dev/null || fail "kubectl label"
sed -i 's/^  name: ssa-examp$/  name: ssa-examp\n  labels:\n    team: speech/' "$SSA_YAML"
if out=$($K apply --server-side -f "$SSA_YAML" 2>&1); then fail "apply --server-side over kubectl-label's label succeeded"; fi
expect "apply over a label" "$out" 'conflict with "kubectl-label" using edgeai.io/v1alpha1: .metadata.labels.team'
[ "$($K get dataset ssa-examp -o jsonpath='{.metadata.labels.team}')" = vision ] || fail "a conflicting apply changed the label"
out=$($K apply --server-side --force-conflicts -f "$SSA_YAML")
expect "apply --force-conflicts over a label" "$out" "serverside-applied"
[ "$($K get dataset ssa-examp -o jsonpath='{.metadata.labels.team}')" = speech ] || fail "--force-conflicts did not take the label"
# kubectl-label keeps the labels map it created (".") but no longer the label itself.
owned=$($K get dataset ssa-examp -o jsonpath='{.metadata.managedFields[?(@.manager=="kubectl-label")].fieldsV1}')
if grep -q 'f:team' <<<"$owned"; then fail "kubectl-label still owns .metadata.labels.team after --force-conflicts: $owned"; fi
owned=$($K get dataset ssa-examp -o jsonpath='{.metadata.managedFields[?(@.manager=="kubectl")].fieldsV1}')
grep -q 'f:team' <<<"$owned" || fail "kubectl does not own .metadata.labels.team after --force-conflicts: $owned"
$K delete -f "$SSA_YAML" >/dev/null || fail "delete ssa-examp"
rm -f "$SSA_YAML"

step "delete"
out=$($K delete dataset dataset-examp)
expect "delete" "$out" 'deleted'
if $K get dataset dataset-examp >/dev/null 2>&1; then fail "dataset still present after delete"; fi
$K delete model model-examp >/dev/null

step "create namespace (kubectl sends and accepts protobuf for built-in kinds)"
out=$($K create namespace compat-ns -v=8 2>&1)
expect "create namespace" "$out" "namespace/compat-ns created"
expect "create namespace" "$out" "Response Status: 201 Created"
[ "$(grep -c 'Content-Type: application/vnd.kubernetes.protobuf' <<<"$out")" -ge 2 ] || { echo "$out" >&2; fail "create namespace: no protobuf request and answer"; }
[ "$($K get namespace compat-ns -o jsonpath='{.status.phase}')" = Active ] || fail "namespace compat-ns is not Active"
$K delete namespace compat-ns >/dev/null || fail "delete namespace"

step "get -w saw the events"
deadline=$((SECONDS + 15))
until grep -q "dataset-examp" "$WATCH_OUT" && [ "$(grep -c dataset-examp "$WATCH_OUT")" -ge 3 ]; do
  [ $SECONDS -lt $deadline ] || { cat "$WATCH_OUT" >&2; fail "get -w did not show the dataset's changes"; }
  sleep 0.2
done
grep -q "42" "$WATCH_OUT" || { cat "$WATCH_OUT" >&2; fail "get -w did not show the status change"; }
step "secrets: create generic; get shows TYPE and the DATA count, never a value"
PLAIN="compat-plaintext-9x"
out=$($K create secret generic compat-creds --from-literal=ACCESS_KEY_ID=AKIDCOMPAT --from-literal=SECRET_ACCESS_KEY=$PLAIN)
expect "create secret generic" "$out" "secret/compat-creds created"
out=$($K get secret compat-creds)
grep -Eq '^NAME +TYPE +DATA +AGE$' <<<"$(head -1 <<<"$out")" || { echo "$out" >&2; fail "get secret: header"; }
grep -Eq '^compat-creds +Opaque +2 +' <<<"$out" || { echo "$out" >&2; fail "get secret: row"; }
out=$($K get secrets -o wide)
if grep -q "$PLAIN" <<<"$out"; then fail "get secrets printed a value"; fi
value=$($K get secret compat-creds -o jsonpath='{.data.SECRET_ACCESS_KEY}' | base64 -d)
[ "$value" = "$PLAIN" ] || fail "get secret -o jsonpath: expected the stored value back, got '$value'"
if out=$($K create secret generic compat-creds --from-literal=a=b 2>&1); then fail "a second create succeeded"; fi
expect "create secret twice" "$out" "already exists"

step "secrets: apply -f creates, then updates (strategic merge patch), validation included"
SECRET_YAML=$(mktemp --suffix=.yaml)
cat >"$SECRET_YAML" <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: compat-applied
  annotations:
    s3-endpoint: minio.local:9000
    s3-usehttps: "0"
type: Opaque
data:
  ACCESS_KEY_ID: QUtJREFQUExZ
stringData:
  SECRET_ACCESS_KEY: first-value
YAML
out=$($K apply -f "$SECRET_YAML")
expect "apply secret" "$out" "secret/compat-applied created"
sed -i 's/first-value/second-value/' "$SECRET_YAML"
out=$($K apply -f "$SECRET_YAML")
expect "re-apply secret" "$out" "secret/compat-applied configured"
value=$($K get secret compat-applied -o jsonpath='{.data.SECRET_ACCESS_KEY}' | base64 -d)
[ "$value" = "second-value" ] || fail "apply did not update the secret: got '$value'"
[ "$($K get secret compat-applied -o jsonpath='{.data.ACCESS_KEY_ID}')" = "QUtJREFQUExZ" ] || fail "apply lost a data key"
printf 'bogus: 1\n' >>"$SECRET_YAML"
if out=$($K apply -f "$SECRET_YAML" 2>&1); then fail "apply with an unknown field succeeded"; fi
expect "apply unknown field" "$out" 'unknown field "bogus"'
sed -i '$d' "$SECRET_YAML"
sed -i 's/type: Opaque/type: kubernetes.io\/basic-auth/' "$SECRET_YAML"
if out=$($K apply -f "$SECRET_YAML" 2>&1); then fail "apply changing the type succeeded"; fi
expect "apply type change" "$out" "field is immutable"

step "secrets: delete"
out=$($K delete secret compat-creds)
expect "delete secret" "$out" 'secret "compat-creds" deleted'
out=$($K delete -f "$SECRET_YAML")
expect "delete -f secret" "$out" 'deleted'
rm -f "$SECRET_YAML"
if $K get secret compat-creds >/dev/null 2>&1; then fail "secret still present after delete"; fi
echo "kubectl: ok"
