import EdgeAIAPI
import EdgeAICore
import EdgeSync

/// A hub session and an edge link joined by an in-memory "wire" that carries encoded frames,
/// and an edge store (an ``Inventory`` plus the objects) that persists `apply` actions at once.
/// Writes are answered by `writeOutcome`. Pure: no I/O, time advances only when told.
struct Harness {
    var now: Instant
    var hub: HubSession<Instant>
    var link: EdgeLink<Instant>
    var store: Inventory
    var objects: [SyncKey: SyncObject] = [:]
    var toEdge: [[UInt8]] = []
    var toHub: [[UInt8]] = []
    var writes: [StatusWrite] = []
    var hubLog: [HubSession<Instant>.Action] = []
    var edgeLog: [EdgeLink<Instant>.Action] = []
    var writeOutcome: (StatusWrite) -> StatusWriteOutcome = { _ in .applied }

    init(node: String, desired: DesiredSet, store: Inventory = Inventory(), now: Instant = .now) {
        self.now = now
        self.hub = HubSession(node: node, desired: desired, now: now)
        self.link = EdgeLink(configuration: EdgeLinkConfiguration(node: node, agentVersion: "test"), random: SplitMix64(seed: 1))
        self.store = store
    }

    /// Opens a fresh connection (the previous hub session is replaced) and runs to quiescence.
    mutating func connect(desired: DesiredSet) {
        hub = HubSession(node: hub.node, desired: desired, now: now)
        toEdge = []
        toHub = []
        if link.state == .disconnected { handleEdge(link.reconnectDue(now: now)) }
        handleEdge(link.connected(inventory: store.sorted, now: now))
        run()
    }

    mutating func disconnect() {
        hub.transportClosed()
        handleEdge(link.connectionLost(reason: "test disconnect", now: now))
        toEdge = []
        toHub = []
    }

    mutating func handleHub(_ actions: [HubSession<Instant>.Action]) {
        hubLog += actions
        for action in actions {
            switch action {
            case .send(let message): toEdge.append(WireCodec.encode(message))
            case .writeStatus(let write): writes.append(write)
            default: break
            }
        }
    }

    mutating func handleEdge(_ actions: [EdgeLink<Instant>.Action]) {
        edgeLog += actions
        for action in actions {
            switch action {
            case .send(let message): toHub.append(WireCodec.encode(message))
            case .apply(let change, let seq):
                switch store.apply(change) {
                case .store: if case .upsert(let object) = change { objects[object.key] = object }
                case .remove(let entry): objects[entry.key] = nil
                case .unchanged: break
                }
                handleEdge(link.persisted(seq: seq))
            default: break
            }
        }
    }

    /// Delivers frames both ways and completes writes until nothing moves.
    mutating func run() {
        var rounds = 0
        while !toEdge.isEmpty || !toHub.isEmpty || !writes.isEmpty, rounds < 10_000 {
            rounds += 1
            if !toEdge.isEmpty {
                let frame = toEdge.removeFirst()
                handleEdge(link.receive(frame: frame, now: now))
            } else if !toHub.isEmpty {
                let frame = toHub.removeFirst()
                handleHub(hub.receive(frame: frame, now: now))
            } else {
                let write = writes.removeFirst()
                handleHub(hub.writeCompleted(write.id, outcome: writeOutcome(write), now: now))
            }
        }
    }

    /// Routes one cache event to this node, as the hub would.
    mutating func event(old: SyncObject?, new: SyncObject?) {
        for routed in DesiredState.changes(old: old, new: new) where routed.audience.includes(hub.node) {
            handleHub(hub.desiredChanged(routed.change, now: now))
        }
        run()
    }
}
