import ArgumentParser
import EdgeAIAPI
import Foundation

/// `edgeai crds`: the Dataset and Model CustomResourceDefinitions as YAML.
struct CRDs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crds", abstract: "Print the Dataset and Model CustomResourceDefinitions (YAML).")

    @Option(help: "Write one file per CRD into this directory instead of printing (deploy/crds).")
    var outputDir: String?

    func run() throws {
        guard let outputDir else {
            print(try CRDManifests.yaml(), terminator: "")
            return
        }
        try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
        for crd in EdgeAICRDs.all {
            let path = (outputDir as NSString).appendingPathComponent(CRDManifests.fileName(crd))
            try CRDManifests.yaml(crd).write(toFile: path, atomically: true, encoding: .utf8)
            print("wrote \(path)")
        }
    }
}
