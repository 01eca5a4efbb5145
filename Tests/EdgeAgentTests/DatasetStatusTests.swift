import DatasetScan
import EdgeAIAPI
@testable import EdgeAgent
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct DatasetStatusTests {
    let now = Time(Date(timeIntervalSince1970: 1_800_000_000))
    let later = Time(Date(timeIntervalSince1970: 1_800_000_060))

    func scanned(_ samples: Int, size: Int) -> DatasetObservation {
        .scanned(ScanResult(
            format: .txt, numberOfSamples: samples, sizeBytes: size,
            identity: FileIdentity(device: 1, inode: 2, modificationTime: 3), headChecksum: 0, tailChecksum: 0,
            state: nil, mode: .full, bytesScanned: size))
    }

    @Test func aCountIsReadyWithSamplesSizeGenerationAndTime() {
        let status = scanned(1200, size: 9000).status(generation: 4, now: now, previous: nil)
        #expect(status.numberOfSamples == 1200)
        #expect(status.sizeBytes == 9000)
        #expect(status.observedGeneration == 4)
        #expect(status.updateTime == now)
        let ready = status.conditions?[type: "Ready"]
        #expect(ready?.status == "True")
        #expect(ready?.observedGeneration == 4)
    }

    @Test func zeroSamplesIsReportedAsZero() {
        let status = scanned(0, size: 0).status(generation: 1, now: now, previous: nil)
        #expect(status.numberOfSamples == 0)
        #expect(status.conditions?[type: "Ready"]?.status == "True")
    }

    @Test func failuresSayWhyInTheReadyCondition() {
        let notFound = DatasetObservation.failed(ScanError(kind: .notFound, path: "/data/x", message: "not found"))
            .status(generation: 1, now: now, previous: nil)
        #expect(notFound.numberOfSamples == 0)
        #expect(notFound.conditions?[type: "Ready"]?.reason == "NotFound")
        #expect(notFound.conditions?[type: "Ready"]?.status == "False")

        let parse = DatasetObservation.failed(ScanError(kind: .parseError(offset: 77), path: "/data/x.csv", message: "unterminated quote at byte offset 77"))
            .status(generation: 1, now: now, previous: nil)
        #expect(parse.numberOfSamples == nil)
        #expect(parse.conditions?[type: "Ready"]?.reason == "ParseError")
        #expect(parse.conditions?[type: "Ready"]?.message?.contains("byte offset 77") == true)

        let refused = DatasetObservation.refused(LocationError("/etc/passwd is outside the allowed roots (/data)"))
            .status(generation: 1, now: now, previous: nil)
        #expect(refused.conditions?[type: "Ready"]?.reason == "NotAllowed")
        #expect(refused.numberOfSamples == nil)

        for (kind, reason) in [(ScanError.Kind.permissionDenied, "PermissionDenied"), (.unsupported, "UnsupportedFormat")] {
            let status = DatasetObservation.failed(ScanError(kind: kind, path: "/d", message: "m")).status(generation: 1, now: now, previous: nil)
            #expect(status.conditions?[type: "Ready"]?.reason == reason)
        }
    }

    @Test func onlyASubstantialChangeCountsNotTheTimeOfLooking() {
        let first = scanned(5, size: 50).status(generation: 1, now: now, previous: nil)
        let again = scanned(5, size: 50).status(generation: 1, now: later, previous: first)
        #expect(again.updateTime == later)
        #expect(again.conditions?[type: "Ready"]?.lastTransitionTime == now)
        #expect(!again.differsInSubstance(from: first))
        #expect(scanned(6, size: 60).status(generation: 1, now: later, previous: first).differsInSubstance(from: first))
        #expect(scanned(5, size: 50).status(generation: 2, now: later, previous: first).differsInSubstance(from: first))
        let broken = DatasetObservation.failed(ScanError(kind: .notFound, path: "/d", message: "not found"))
            .status(generation: 1, now: later, previous: first)
        #expect(broken.differsInSubstance(from: first))
        #expect(broken.conditions?[type: "Ready"]?.lastTransitionTime == later)
    }
}
