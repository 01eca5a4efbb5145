import EdgeAIAPI
@testable import EdgeAgent
import EdgeAITesting
import EdgeSync
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct AgentStoreTests {
    func report(_ id: String, _ object: SyncObject, samples: Int64) -> StatusReport {
        StatusReport(reportID: id, ref: object.ref, status: .dataset(DatasetStatus(numberOfSamples: samples)))
    }

    @Test func appliesChangesByTheInventoryRules() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try AgentStore(path: directory.path + "/agent.sqlite")
        defer { store.close() }
        let cats = makeDataset("cats", dataUrl: "/data/cats.txt")
        #expect(try await store.apply(.upsert(cats)) == .store(replaced: nil))
        #expect(try await store.apply(.upsert(cats)) == .unchanged)
        let newer = makeDataset("cats", dataUrl: "/data/cats2.txt", rv: "2")
        #expect(try await store.apply(.upsert(newer)) == .store(replaced: cats.entry))
        #expect(try await store.inventory() == [newer.entry])
        #expect(try await store.objects().map(\.object) == [newer])
        // A delete naming another uid is a late delete of an older object: nothing happens.
        #expect(try await store.apply(.delete(ObjectRef(kind: .dataset, namespace: "default", name: "cats", uid: "other"))) == .unchanged)
        #expect(try await store.apply(.delete(newer.ref)) == .remove(newer.entry))
        #expect(try await store.inventory().isEmpty)
        #expect(try await store.apply(.delete(newer.ref)) == .unchanged)
    }

    /// The agent sends a report once its transaction is queued; the hub's answer may come back
    /// before that transaction commits, and its removal must still find the report.
    @Test func aRemovalQueuedAfterARecordRunsAfterIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try AgentStore(path: directory.path + "/agent.sqlite")
        defer { store.close() }
        let cats = makeDataset("cats", dataUrl: "/data/cats.txt")
        try await store.apply(.upsert(cats))
        for round in 0..<50 {
            let commit = try store.enqueueRecord(LocalState(), for: cats.ref, report: report("r\(round)", cats, samples: Int64(round)))
            #expect(try await store.removeReport(reportID: "r\(round)", outcome: .applied), "round \(round)")
            #expect(try await commit.committed())
            #expect(try await store.reports().isEmpty)
        }
        // A record for a replaced slot commits as `false`, as `record` answers.
        let other = makeDataset("cats", dataUrl: "/data/cats.txt", uid: "other-uid", rv: "2")
        #expect(try await !store.enqueueRecord(LocalState(), for: other.ref, report: report("late", other, samples: 1)).committed())
        #expect(try await store.reports().isEmpty)
    }

    @Test func theOutboxKeepsTheLatestReportPerObjectUntilAFinalAnswerForItsID() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try AgentStore(path: directory.path + "/agent.sqlite")
        defer { store.close() }
        let cats = makeDataset("cats", dataUrl: "/data/cats.txt")
        try await store.apply(.upsert(cats))
        #expect(try await store.record(LocalState(), for: cats.ref, report: report("r1", cats, samples: 1)))
        #expect(try await store.record(LocalState(), for: cats.ref, report: report("r2", cats, samples: 2)))
        #expect(try await store.reports().map(\.reportID) == ["r2"])
        // An answer for the replaced report, or a retryLater, removes nothing.
        #expect(try await !store.removeReport(reportID: "r1", outcome: .applied))
        #expect(try await !store.removeReport(reportID: "r2", outcome: .retryLater))
        #expect(try await store.reports().count == 1)
        #expect(try await store.removeReport(reportID: "r2", outcome: .refused(reason: "no")))
        #expect(try await store.reports().isEmpty)
    }

    @Test func aLateObservationNeverLandsOnAReplacedObject() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try AgentStore(path: directory.path + "/agent.sqlite")
        defer { store.close() }
        let old = makeDataset("cats", dataUrl: "/data/cats.txt", uid: "u1")
        try await store.apply(.upsert(old))
        try await store.record(LocalState(metrics: [.init(key: "k", value: "v")]), for: old.ref, report: report("r1", old, samples: 1))
        // Deleted and recreated in the cloud: the new uid replaces the slot, its state and report.
        let recreated = makeDataset("cats", dataUrl: "/data/cats.txt", uid: "u2")
        try await store.apply(.upsert(recreated))
        #expect(try await store.reports().isEmpty)
        #expect(try await store.objects().first?.local == LocalState())
        #expect(try await !store.record(LocalState(), for: old.ref, report: report("r-late", old, samples: 9)))
        #expect(try await store.reports().isEmpty)
        // A new resourceVersion of the same object keeps what the agent knew.
        try await store.record(LocalState(metrics: [.init(key: "k", value: "v")]), for: recreated.ref, report: report("r2", recreated, samples: 3))
        try await store.apply(.upsert(makeDataset("cats", dataUrl: "/data/cats.txt", uid: "u2", rv: "5")))
        #expect(try await store.objects().first?.local.metrics == [.init(key: "k", value: "v")])
        #expect(try await store.reports().map(\.reportID) == ["r2"])
    }

    @Test func everythingSurvivesReopeningAndOneAgentOwnsTheDatabase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/agent.sqlite"
        let cats = makeDataset("cats", dataUrl: "/data/cats.txt")
        do {
            let store = try AgentStore(path: path)
            try await store.apply(.upsert(cats))
            try await store.record(LocalState(reportedStatus: DatasetStatus(numberOfSamples: 7)), for: cats.ref, report: report("r1", cats, samples: 7))
            #expect(throws: AgentStoreError.self) { try AgentStore(path: path) }
            store.close()
        }
        let reopened = try AgentStore(path: path)
        defer { reopened.close() }
        #expect(try await reopened.objects().map(\.object) == [cats])
        #expect(try await reopened.objects().first?.local.reportedStatus?.numberOfSamples == 7)
        #expect(try await reopened.reports() == [report("r1", cats, samples: 7)])
    }
}
