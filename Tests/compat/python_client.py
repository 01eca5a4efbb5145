"""The Python kubernetes client against the server in $KUBECONFIG: CustomObjectsApi CRUD,
status patches and a watch that must see every event. Exits non-zero on the first failure."""
import sys
import threading

from kubernetes import client, config, watch

G, V, NS, P = "edgeai.io", "v1alpha1", "default", "datasets"


def fail(msg):
    print(f"python: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    config.load_kube_config()
    api = client.CustomObjectsApi()
    listed = api.list_namespaced_custom_object(G, V, NS, P)
    start_rv = listed["metadata"]["resourceVersion"]

    seen = []
    done = threading.Event()

    def watcher():
        w = watch.Watch()
        for ev in w.stream(api.list_namespaced_custom_object, G, V, NS, P, resource_version=start_rv, timeout_seconds=30):
            status = ev["object"].get("status", {})
            # The controller marks a dataset whose node never connected (NodeReachable=False):
            # its own write, not one of this script's.
            if ev["type"] == "MODIFIED" and status.get("numberOfSamples") is None \
                    and [c.get("type") for c in status.get("conditions", [])] == ["NodeReachable"]:
                continue
            seen.append((ev["type"], ev["object"]["metadata"]["name"], ev["object"].get("status", {}).get("numberOfSamples")))
            if ev["type"] == "DELETED" and ev["object"]["metadata"]["name"] == "py-ds-2":
                w.stop()
        done.set()

    t = threading.Thread(target=watcher, daemon=True)
    t.start()

    body = lambda name: {"apiVersion": f"{G}/{V}", "kind": "Dataset", "metadata": {"name": name},
                         "spec": {"dataUrl": "/d", "format": "txt", "nodeName": "edge0"}}
    created = api.create_namespaced_custom_object(G, V, NS, P, body("py-ds-1"))
    if created["metadata"].get("generation") != 1 or not created["metadata"].get("uid"):
        fail(f"create: unexpected metadata {created['metadata']}")
    api.create_namespaced_custom_object(G, V, NS, P, body("py-ds-2"))
    try:
        api.create_namespaced_custom_object(G, V, NS, P, body("py-ds-1"))
        fail("duplicate create succeeded")
    except client.ApiException as e:
        if e.status != 409:
            fail(f"duplicate create: status {e.status}")

    got = api.get_namespaced_custom_object(G, V, NS, P, "py-ds-1")
    if got["spec"]["nodeName"] != "edge0":
        fail(f"get: {got}")
    items = api.list_namespaced_custom_object(G, V, NS, P)["items"]
    names = sorted(i["metadata"]["name"] for i in items)
    if not {"py-ds-1", "py-ds-2"} <= set(names):
        fail(f"list: {names}")

    patched = api.patch_namespaced_custom_object_status(G, V, NS, P, "py-ds-1", {"status": {"numberOfSamples": 7}})
    if patched["status"]["numberOfSamples"] != 7:
        fail(f"patch status: {patched}")
    if patched["metadata"]["generation"] != 1:
        fail("status patch moved generation")

    try:
        api.get_namespaced_custom_object(G, V, NS, P, "nope")
        fail("get of a missing object succeeded")
    except client.ApiException as e:
        if e.status != 404:
            fail(f"get missing: status {e.status}")

    api.delete_namespaced_custom_object(G, V, NS, P, "py-ds-1")
    api.delete_namespaced_custom_object(G, V, NS, P, "py-ds-2")

    if not done.wait(30):
        fail(f"watch did not finish; saw {seen}")
    expected = [("ADDED", "py-ds-1", None), ("ADDED", "py-ds-2", None), ("MODIFIED", "py-ds-1", 7),
                ("DELETED", "py-ds-1", 7), ("DELETED", "py-ds-2", None)]
    if seen != expected:
        fail(f"watch saw {seen}, expected {expected}")
    print("python: ok")


if __name__ == "__main__":
    main()
