import EdgeAIAPI
import EdgeSync
import Testing

/// A credential Secret goes to the nodes whose datasets or models name it, and to no other; it
/// arrives before the objects that need it, follows them when they move, and never reaches an
/// edge that speaks protocol v1.
@Suite(.timeLimit(.minutes(1)))
struct CredentialRoutingTests {
    let t0 = Instant.now

    func secret(_ name: String, namespace: String = "default", rv: String = "1", uid: String? = nil) -> Secret {
        var meta = ObjectMeta(name: name, namespace: namespace)
        meta.uid = uid ?? "uid-secret-\(namespace)-\(name)"
        meta.resourceVersion = rv
        return Secret(metadata: meta, data: ["ACCESS_KEY_ID": Array("AKID".utf8), "SECRET_ACCESS_KEY": Array("s3cr3t".utf8)])
    }

    func remoteDataset(_ name: String, node: String, credential: String?, namespace: String = "default", rv: String = "1") -> Dataset {
        var object = dataset(name, namespace: namespace, node: node, rv: rv, dataUrl: "s3://bucket/\(name).txt")
        object.spec.credentialName = credential
        return object
    }

    func lookup(_ secrets: [Secret]) -> (ObjectKeyName) -> Secret? {
        { key in secrets.first { $0.key == key } }
    }

    @Test func aNodeGetsExactlyTheSecretsItsObjectsName() {
        let secrets = [secret("s3"), secret("other"), secret("s3", namespace: "team")]
        var shared = model("m")
        shared.spec.credentialName = "other"
        shared.spec.nodeNames = ["A"]
        let datasets = [remoteDataset("a", node: "A", credential: "s3"), remoteDataset("b", node: "B", credential: nil)]
        let onA = DesiredState.forNode("A", datasets: datasets.filter { $0.spec.nodeName == "A" }, models: [shared], credentials: lookup(secrets))
        #expect(Set(onA.only(.secret).objects.keys.map(\.description)) == ["Secret default/s3", "Secret default/other"])
        let onB = DesiredState.forNode("B", datasets: datasets.filter { $0.spec.nodeName == "B" }, models: [shared], credentials: lookup(secrets))
        #expect(onB.only(.secret).isEmpty)
        // The name is looked up in the object's own namespace: team/s3 is never sent for default's objects.
        #expect(onA[SyncKey(kind: .secret, namespace: "team", name: "s3")] == nil)
        // A Secret that does not exist (yet) is simply not sent.
        let missing = DesiredState.forNode("A", datasets: [remoteDataset("c", node: "A", credential: "nope")], models: [], credentials: lookup(secrets))
        #expect(missing.only(.secret).isEmpty)
    }

    @Test func theResyncSendsSecretsBeforeTheObjectsThatNameThem() {
        let desired = DesiredState.forNode(
            "A", datasets: [remoteDataset("a", node: "A", credential: "s3")], models: [model("m")], credentials: lookup([secret("s3")]))
        var hub = HubSession(node: "A", desired: desired, now: t0)
        let kinds = hub.receive(.hello(Hello(agentVersion: "t", inventory: [])), now: t0).sent.compactMap(\.upsertedObject).map(\.kind)
        #expect(kinds == [.secret, .dataset, .model])
    }

    @Test func aVersionOneEdgeNeverReceivesASecret() {
        let desired = DesiredState.forNode(
            "A", datasets: [remoteDataset("a", node: "A", credential: "s3")], models: [], credentials: lookup([secret("s3")]))
        var hub = HubSession(node: "A", desired: desired, now: t0)
        let resync = hub.receive(.hello(Hello(versions: [.v1], agentVersion: "old", inventory: [])), now: t0).sent
        #expect(hub.version == .v1)
        #expect(resync.compactMap(\.upsertedObject).map(\.kind) == [.dataset])
        #expect(hub.desired.only(.secret).isEmpty)
        #expect(hub.desiredChanged(.upsert(.secret(secret("s3", rv: "2"))), now: t0).isEmpty)
        #expect(hub.credentialsChanged(to: desired, now: t0).isEmpty)
    }

    @Test func credentialsFollowTheirObjects() {
        var hub = HubSession(node: "A", desired: DesiredSet(), now: t0)
        for message in hub.receive(.hello(Hello(agentVersion: "t", inventory: [])), now: t0).sent {
            if let seq = message.seq { _ = hub.receive(.ack(seq: seq), now: t0) }
        }
        let named = DesiredState.forNode(
            "A", datasets: [remoteDataset("a", node: "A", credential: "s3")], models: [], credentials: lookup([secret("s3")]))
        // Only the Secret is sent: the dataset itself is routed on its own.
        let arrived = hub.credentialsChanged(to: named, now: t0).sent
        #expect(arrived.compactMap(\.upsertedObject).map(\.key.description) == ["Secret default/s3"])
        #expect(hub.credentialsChanged(to: named, now: t0).isEmpty)  // nothing changed: nothing sent
        let rotated = DesiredState.forNode(
            "A", datasets: [remoteDataset("a", node: "A", credential: "s3")], models: [], credentials: lookup([secret("s3", rv: "2")]))
        #expect(hub.credentialsChanged(to: rotated, now: t0).sent.compactMap(\.upsertedObject).map(\.resourceVersion) == ["2"])
        let recreated = DesiredState.forNode(
            "A", datasets: [remoteDataset("a", node: "A", credential: "s3")], models: [], credentials: lookup([secret("s3", rv: "3", uid: "new")]))
        let replaced = hub.credentialsChanged(to: recreated, now: t0).sent
        #expect(replaced.compactMap(\.deletedRef).map(\.uid) == ["uid-secret-default-s3"])
        #expect(replaced.compactMap(\.upsertedObject).map(\.uid) == ["new"])
        // The dataset moved away (or stopped naming it): the Secret leaves the node.
        let gone = hub.credentialsChanged(to: DesiredSet(), now: t0).sent
        #expect(gone.compactMap(\.deletedRef).map(\.uid) == ["new"])
    }

    @Test func onlyACredentialOrPlacementChangeRecomputesNodes() {
        let named = SyncObject.dataset(remoteDataset("a", node: "A", credential: "s3"))
        let statusOnly = SyncObject.dataset(remoteDataset("a", node: "A", credential: "s3", rv: "9"))
        #expect(DesiredState.credentialAudiences(old: named, new: statusOnly).isEmpty)
        #expect(DesiredState.credentialAudiences(old: nil, new: named) == [.node("A")])
        #expect(DesiredState.credentialAudiences(old: named, new: nil) == [.node("A")])
        let renamed = SyncObject.dataset(remoteDataset("a", node: "A", credential: "s4", rv: "2"))
        #expect(DesiredState.credentialAudiences(old: named, new: renamed) == [.node("A")])
        let moved = SyncObject.dataset(remoteDataset("a", node: "B", credential: "s3", rv: "2"))
        #expect(Set(DesiredState.credentialAudiences(old: named, new: moved)) == [.node("A"), .node("B")])
        let plain = SyncObject.dataset(remoteDataset("a", node: "A", credential: nil))
        #expect(DesiredState.credentialAudiences(old: plain, new: plain).isEmpty)
    }

    @Test func aSecretRoundTripsTheWireAsItsKubernetesJSON() throws {
        let frame = WireCodec.encode(CloudToEdge.upsert(.secret(secret("s3")), seq: 1))
        let text = String(decoding: frame, as: UTF8.self)
        #expect(text.contains(#""kind":"Secret""#))
        #expect(try WireCodec.decodeCloudToEdge(frame) == .upsert(.secret(secret("s3")), seq: 1))
    }
}
