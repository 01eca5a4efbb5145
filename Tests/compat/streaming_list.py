"""A streaming list (KEP-3157) against the server in $KUBECONFIG, with the exact request a
client-go 1.3x informer (WatchListClient) sends: ADDED for each object, then a BOOKMARK
annotated k8s.io/initial-events-end at the list's resourceVersion, then live events; plus the
422 kube-apiserver gives for an unsupported combination. Raw HTTP over the kubeconfig's TLS and
token (no Go here). Exits non-zero on the first failure."""
import json
import ssl
import sys
import http.client
from urllib.parse import urlparse

from kubernetes import client, config

G, V, NS, P = "edgeai.io", "v1alpha1", "compat-streaming", "datasets"
PATH = f"/apis/{G}/{V}/namespaces/{NS}/{P}"
# client-go's reflector: url.Values encodes keys sorted.
QUERY = "allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=60&watch=true"
HEADERS = {"Accept": "application/json", "User-Agent": "compat-streaming-list/v0.0.0 (linux/amd64) kubernetes/$Format"}


def fail(msg):
    print(f"streaming-list: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def connect(cfg):
    url = urlparse(cfg.host)
    ctx = ssl.create_default_context(cafile=cfg.ssl_ca_cert)
    ctx.check_hostname = False
    conn = http.client.HTTPSConnection(url.hostname, url.port, context=ctx, timeout=30)
    return conn


def main():
    config.load_kube_config()
    cfg = client.Configuration.get_default_copy()
    token = cfg.api_key.get("authorization") or cfg.api_key.get("BearerToken") or ""
    if token and not token.startswith("Bearer "):
        token = "Bearer " + token
    headers = dict(HEADERS, Authorization=token)
    core = client.CoreV1Api()
    core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    api = client.CustomObjectsApi()
    body = lambda name: {"apiVersion": f"{G}/{V}", "kind": "Dataset", "metadata": {"name": name},
                         "spec": {"dataUrl": "/d", "format": "txt", "nodeName": "edge0"}}
    for name in ("sl-a", "sl-b"):
        api.create_namespaced_custom_object(G, V, NS, P, body(name))
    list_rv = api.list_namespaced_custom_object(G, V, NS, P)["metadata"]["resourceVersion"]

    conn = connect(cfg)
    conn.request("GET", f"{PATH}?{QUERY}", headers=headers)
    resp = conn.getresponse()
    if resp.status != 200:
        fail(f"watch answered {resp.status}: {resp.read()[:300]!r}")
    events = []
    while True:
        line = resp.readline()
        if not line:
            fail(f"stream ended after {events}")
        if not line.strip():
            continue
        ev = json.loads(line)
        events.append(ev["type"])
        if ev["type"] == "BOOKMARK":
            meta = ev["object"]["metadata"]
            if meta.get("annotations", {}).get("k8s.io/initial-events-end") != "true":
                fail(f"bookmark without the initial-events-end annotation: {ev}")
            # NotOlderThan: at least the list's revision (the controller may have written since).
            if int(meta.get("resourceVersion", "0")) < int(list_rv):
                fail(f"bookmark at {meta.get('resourceVersion')}, older than the list at {list_rv}")
            break
        if ev["type"] != "ADDED":
            fail(f"initial event {ev['type']}")
    if events != ["ADDED", "ADDED", "BOOKMARK"]:
        fail(f"initial events {events}")
    api.create_namespaced_custom_object(G, V, NS, P, body("sl-live"))
    while True:
        line = resp.readline()
        if not line:
            fail("stream ended before the live event")
        if line.strip():
            ev = json.loads(line)
            if ev["type"] == "BOOKMARK":
                continue
            if ev["type"] != "ADDED" or ev["object"]["metadata"]["name"] != "sl-live":
                fail(f"live event {ev['type']} {ev['object'].get('metadata', {}).get('name')}")
            break
    conn.close()

    conn = connect(cfg)
    conn.request("GET", f"{PATH}?sendInitialEvents=true&watch=true&allowWatchBookmarks=true", headers=headers)
    resp = conn.getresponse()
    status = json.loads(resp.read())
    if resp.status != 422 or "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" not in status.get("message", ""):
        fail(f"unsupported combination answered {resp.status}: {status}")
    conn.close()
    core.delete_namespace(NS)
    print("streaming-list: ok (ADDED x2, BOOKMARK initial-events-end, live ADDED, 422 for a bad combination)")


if __name__ == "__main__":
    main()
