import ArgumentParser

/// `edgeai-bench`: reproducible benchmarks, one subcommand per part of the system.
///
/// Each subcommand lives in its own file, generates its own data deterministically and
/// reports ratios against a reference measured in the same run. Build with `-c release`.
@main
struct EdgeAIBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgeai-bench",
        abstract: "Benchmarks for edgeai (run with: swift run -c release edgeai-bench <part>).",
        subcommands: [
            ScanBench.self, StoreBench.self, APIBenchmark.self, InformerBenchmark.self, EdgeBenchmark.self,
            FleetBenchmark.self, FleetNodes.self, JSONBench.self, DiskBenchmark.self, RemoteBench.self, NodeLedgerBenchmark.self, DashboardBenchmark.self,
        ]
    )
}
