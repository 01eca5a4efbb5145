#!/usr/bin/env bash
# kubectl auth can-i / can-i --list / whoami against the server in $KUBECONFIG, for the admin
# (the kubeconfig's token), the cloud controller's token and a node token (no API credential).
set -euo pipefail
: "${KUBECONFIG:?set KUBECONFIG}" "${COMPAT_DATA:?set COMPAT_DATA (the data directory of the server)}" "${COMPAT_BIN:?set COMPAT_BIN (the edgeai binary)}"
K="kubectl --request-timeout=20s"
step() { echo "kubectl auth: $*"; }
fail() { echo "kubectl auth: FAIL: $*" >&2; exit 1; }
expect() { # expect <description> <haystack> <needle>
  grep -qF -- "$3" <<<"$2" || { echo "$2" >&2; fail "$1: expected to find '$3'"; }
}
# can <expected yes|no> <kubectl args...>: kubectl prints yes/no and exits 0/1 accordingly.
can() {
  local want=$1; shift
  local out rc=0
  out=$($K "$@" 2>/dev/null) || rc=$?  # warnings (cluster-scoped, unknown kinds) go to stderr
  [ "$out" = "$want" ] || fail "kubectl $* printed '$out', expected '$want'"
  if [ "$want" = yes ]; then [ $rc -eq 0 ] || fail "kubectl $* exited $rc"; else [ $rc -eq 1 ] || fail "kubectl $* exited $rc"; fi
}

CLOUD=$(awk -F, '$2 == "edgeai:cloud" { print $1; exit }' "$COMPAT_DATA/tokens.csv")
[ -n "$CLOUD" ] || fail "no cloud controller token in tokens.csv"
AS_CLOUD=(--token "$CLOUD")

step "can-i as admin"
can yes auth can-i create datasets.edgeai.io
can yes auth can-i delete namespaces
can yes auth can-i get /metrics
can yes auth can-i '*' '*'

step "can-i as the cloud controller"
can no "${AS_CLOUD[@]}" auth can-i create datasets.edgeai.io
can yes "${AS_CLOUD[@]}" auth can-i patch datasets.edgeai.io --subresource=status
can yes "${AS_CLOUD[@]}" auth can-i watch models.edgeai.io -n kube-system
can yes "${AS_CLOUD[@]}" auth can-i create events
can yes "${AS_CLOUD[@]}" auth can-i update leases.coordination.k8s.io
can no "${AS_CLOUD[@]}" auth can-i delete namespaces
can no "${AS_CLOUD[@]}" auth can-i get /metrics
can yes "${AS_CLOUD[@]}" auth can-i get /version

step "can-i --list"
out=$($K auth can-i --list)
expect "admin's list" "$out" "*.*"
expect "admin's list" "$out" "selfsubjectaccessreviews.authorization.k8s.io"
out=$($K "${AS_CLOUD[@]}" auth can-i --list)
expect "cloud's list" "$out" "datasets.edgeai.io/status"
expect "cloud's list" "$out" "[get list watch patch update]"
if grep -qF "*.*" <<<"$out"; then fail "the cloud controller's list grants everything: $out"; fi

step "whoami"
out=$($K auth whoami)
expect "admin whoami" "$out" "admin"
expect "admin whoami" "$out" "[system:masters system:authenticated]"
out=$($K "${AS_CLOUD[@]}" auth whoami -o json)
python3 -c 'import json,sys; u=json.load(sys.stdin)["status"]["userInfo"]; assert u["username"]=="edgeai:cloud" and "system:authenticated" in u["groups"], u' <<<"$out" \
  || fail "cloud whoami: $out"

step "a node token is no API credential"
NODE=$("$COMPAT_BIN" token create --node edge0 --data-dir "$COMPAT_DATA")
if out=$($K --token "$NODE" auth whoami 2>&1); then fail "a node token authenticated: $out"; fi
expect "node whoami" "$out" "Unauthorized"
echo "kubectl auth: ok"
