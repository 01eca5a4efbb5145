/// The one home of `deploy/`'s manifests (the CRDs excepted: they are generated from
/// ``EdgeAICRDs`` into `deploy/crds/`). `edgeai install --output-dir deploy` writes these files
/// and the CRDs; `DeployManifestTests` checks `deploy/` is byte-identical, so `kubectl apply -k
/// deploy/` and `edgeai install` apply the same objects. Edit here, then regenerate.
enum DeployManifests {
    /// Every container names this image; `edgeai install --image` and kustomize's `images:`
    /// replace it.
    static let imagePlaceholder = "edgeai"

    /// The label the kustomization adds to every object (`labels:`, not on selectors).
    static let partOfLabel = ("app.kubernetes.io/part-of", "edgeai")

    /// `deploy/` paths and their text, in the kustomization's resource order.
    static let files: [(path: String, text: String)] = [
        ("kustomization.yaml", #"""
# edgeai on a real Kubernetes cluster, for GitOps: `kubectl apply -k deploy/` (after creating
# the edgeai-cluster Secret, see docs/deploy.md), or `edgeai install --image …`, which applies
# these same manifests (embedded in the binary; a test keeps both identical).
# Renders with `kubectl kustomize deploy/`.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

resources:
  - crds/datasets.edgeai.io.yaml
  - crds/models.edgeai.io.yaml
  - crds/edgenodes.edgeai.io.yaml
  - namespace.yaml
  - cloud/serviceaccount.yaml
  - cloud/rbac.yaml
  - cloud/deployment.yaml
  - cloud/service.yaml
  - edge/daemonset.yaml

# The image you pushed (README: `docker push registry.example.com/edgeai:0.1.0`). Edit these two
# lines for your registry; every container names the image `edgeai`.
images:
  - name: edgeai
    newName: registry.example.com/edgeai
    newTag: "0.1.0"

labels:
  - pairs:
      app.kubernetes.io/part-of: edgeai
    includeSelectors: false

"""#),
        ("namespace.yaml", #"""
# Two namespaces, because the two workloads need different Pod Security levels.
#
# edgeai-system holds the cloud controller and enforces `restricted`: the pod runs as a non-root
# user with no capabilities, no privilege escalation and the RuntimeDefault seccomp profile.
apiVersion: v1
kind: Namespace
metadata:
  name: edgeai-system
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/audit: restricted
---
# edgeai-edge holds the edge agents and is labelled `privileged`: the agent must read the node's
# /data and its credentials in /etc/edgeai through hostPath volumes, and both `baseline` and
# `restricted` forbid hostPath volumes outright (there is no per-field exemption for them). The
# namespace holds nothing else; the pod itself still drops every capability, forbids privilege
# escalation, uses RuntimeDefault seccomp, a read-only root file system and read-only data.
# `warn`/`audit` at baseline keep the hostPath use visible to cluster operators.
apiVersion: v1
kind: Namespace
metadata:
  name: edgeai-edge
  labels:
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: baseline
    pod-security.kubernetes.io/audit: baseline

"""#),
        ("cloud/serviceaccount.yaml", #"""
apiVersion: v1
kind: ServiceAccount
metadata:
  name: edgeai-cloud
  namespace: edgeai-system

"""#),
        ("cloud/rbac.yaml", #"""
# Exactly what the cloud controller calls, and nothing else: informers list and watch Datasets
# and Models in every namespace; the hub patches their status subresource (JSON patch) and reads
# a Model before merging one node's report into it; events are created, never updated; Secrets
# named by a Dataset's or Model's spec.credentialName are read (get, list, watch: never written)
# to hand their credentials to the nodes that need them over the hub. It keeps EdgeNodes:
# creates one when a node first connects, patches their status only.
# It cannot create, change or delete a Dataset's or Model's spec, nor any Secret.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: edgeai-cloud
rules:
  - apiGroups: ["edgeai.io"]
    resources: ["datasets"]
    verbs: ["list", "watch"]
  - apiGroups: ["edgeai.io"]
    resources: ["models"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["edgeai.io"]
    resources: ["datasets/status", "models/status"]
    verbs: ["patch"]
  - apiGroups: ["edgeai.io"]
    resources: ["edgenodes"]
    verbs: ["get", "list", "watch", "create"]
  - apiGroups: ["edgeai.io"]
    resources: ["edgenodes/status"]
    verbs: ["patch"]
  - apiGroups: [""]
    resources: ["events"]
    verbs: ["create"]
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: edgeai-cloud
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edgeai-cloud
subjects:
  - kind: ServiceAccount
    name: edgeai-cloud
    namespace: edgeai-system

"""#),
        ("cloud/deployment.yaml", #"""
# The cloud controller and edge hub. One replica: edge agents hold one WebSocket each to the hub.
# The cluster key and CA come from the edgeai-cluster Secret (`edgeai install` creates it from a
# fresh key; never committed), read in place from its volume: `--secret-dir` copies them into the
# data directory at start and re-reads the cluster key whenever the Secret changes, so
# `edgeai token rotate` needs no restart. The API is reached in-cluster (service account).
# The dashboard (/ui/) listens on the pod's loopback only (port 7080), so nothing outside the pod
# reaches it but `kubectl -n edgeai-system port-forward deploy/edgeai-cloud 7080:7080`; it acts
# with the token of whoever logs in (`edgeai dashboard` prints a link), never the cloud's own.
# The namespace enforces Pod Security `restricted`; this pod meets it.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: edgeai-cloud
  namespace: edgeai-system
  labels:
    app.kubernetes.io/name: edgeai-cloud
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels:
      app.kubernetes.io/name: edgeai-cloud
  template:
    metadata:
      labels:
        app.kubernetes.io/name: edgeai-cloud
    spec:
      serviceAccountName: edgeai-cloud
      enableServiceLinks: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: cloud
          image: edgeai
          args:
            - cloud
            - --data-dir
            - /var/lib/edgeai
            - --secret-dir
            - /etc/edgeai/cluster
            - --hub-port
            - "10350"
            - --hub-host
            - edgeai-hub.edgeai-system.svc
            - --ui-port
            - "7080"
          ports:
            - name: hub
              containerPort: 10350
              protocol: TCP
          # Both on the hub's TLS port (the kubelet does not verify the certificate):
          # /readyz is 200 once the Dataset and Model informers have synced.
          readinessProbe:
            httpGet:
              scheme: HTTPS
              path: /readyz
              port: hub
            periodSeconds: 5
          livenessProbe:
            httpGet:
              scheme: HTTPS
              path: /healthz
              port: hub
            initialDelaySeconds: 10
            periodSeconds: 20
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
            limits:
              memory: 512Mi
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: cluster-secret
              mountPath: /etc/edgeai/cluster
              readOnly: true
            - name: data
              mountPath: /var/lib/edgeai
      volumes:
        # Owner root, group fsGroup (10001), mode 0440: readable by the cloud user only.
        # Written in decimal (288 = 0o440): YAML 1.1 (kubectl) and 1.2 read a leading 0 differently.
        - name: cluster-secret
          secret:
            secretName: edgeai-cluster
            defaultMode: 288
        - name: data
          emptyDir: {}

"""#),
        ("cloud/service.yaml", #"""
# The hub edge agents connect to (wss://edgeai-hub.edgeai-system.svc:10350). Agents on nodes
# outside the cluster network need it exposed (NodePort or LoadBalancer; see docs/deploy.md).
apiVersion: v1
kind: Service
metadata:
  name: edgeai-hub
  namespace: edgeai-system
  labels:
    app.kubernetes.io/name: edgeai-cloud
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: edgeai-cloud
  ports:
    - name: hub
      port: 10350
      targetPort: hub
      protocol: TCP

"""#),
        ("edge/daemonset.yaml", #"""
# One edge agent on every node labelled node-role.kubernetes.io/edge. It has no Kubernetes API
# access at all (no service account token): it talks only to the hub, with its node's own token.
# The node's /data is mounted read-only at /host/data, and `--root /host` tells the agent that
# the node's filesystem is under /host: a Dataset's dataUrl and `--allow` are *node* paths
# (/data/…), read at /host/data/…. /etc/edgeai on each node holds `token` and `ca.crt`
# (`edgeai node add NAME` prints them and the commands; see docs/deploy.md), re-read on every
# connection attempt and watched, so a rotated token takes effect without a restart;
# /var/lib/edgeai-edge keeps the agent's local store across restarts.
# Namespace edgeai-edge is labelled Pod Security `privileged` because of the hostPath volumes
# (see deploy/namespace.yaml).
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: edgeai-edge
  namespace: edgeai-edge
  labels:
    app.kubernetes.io/name: edgeai-edge
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: edgeai-edge
  updateStrategy:
    type: RollingUpdate
  template:
    metadata:
      labels:
        app.kubernetes.io/name: edgeai-edge
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: node-role.kubernetes.io/edge
                    operator: Exists
      tolerations:
        - key: node-role.kubernetes.io/edge
          operator: Exists
          effect: NoSchedule
      securityContext:
        # Root without any capability: it can write its own root-owned state directory and read
        # world-readable data, but cannot bypass file permissions. Set runAsUser to the owner of
        # /data (and chown /var/lib/edgeai-edge) to run unprivileged.
        runAsUser: 0
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: edge
          image: edgeai
          # The lean agent executable: only the code the node runs is mapped and resident.
          command: ["/usr/local/bin/edgeai-node"]
          args:
            - edge
            - --node
            - $(NODE_NAME)
            - --token-file
            - /etc/edgeai/token
            - --ca
            - /etc/edgeai/ca.crt
            - --cloud
            - wss://edgeai-hub.edgeai-system.svc:10350
            - --root
            - /host
            - --allow
            - /data
            - --api-port
            - "7070"
            - --data-dir
            - /var/lib/edgeai-edge
          env:
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
          # The local API listens on the pod's loopback only, which the kubelet cannot reach:
          # the probe runs in the container (`edgeai healthz` GETs 127.0.0.1:7070/healthz).
          livenessProbe:
            exec:
              command: ["/usr/local/bin/edgeai-node", "healthz", "--port", "7070"]
            initialDelaySeconds: 10
            periodSeconds: 20
            timeoutSeconds: 5
          resources:
            requests:
              cpu: 50m
              memory: 32Mi
            limits:
              memory: 256Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: credentials
              mountPath: /etc/edgeai
              readOnly: true
            - name: host-data
              mountPath: /host/data
              readOnly: true
            - name: state
              mountPath: /var/lib/edgeai-edge
      volumes:
        - name: credentials
          hostPath:
            path: /etc/edgeai
            type: Directory
        - name: host-data
          hostPath:
            path: /data
            type: Directory
        - name: state
          hostPath:
            path: /var/lib/edgeai-edge
            type: DirectoryOrCreate

"""#),
    ]
}
