import ArgumentParser

struct ScanBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scan")
    func run() async throws {}
}
