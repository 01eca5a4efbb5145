import EdgeAIAPI
import Foundation
import JSON
import ManifestYAML

/// Reads the objects of `-f FILE|DIR|-` as kubectl does: a file, every `.yaml`/`.yml`/`.json`
/// file of a directory (sorted by name, not recursive), or standard input.
///
/// Every document is parsed before anything is sent, so a syntax error anywhere applies nothing.
/// The error names the file.
enum ManifestSource {
    struct Document {
        var source: String
        var object: JSONValue
    }

    static let extensions: Set<String> = ["yaml", "yml", "json"]

    static func read(_ paths: [String], readStandardInput: () -> String = { String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }) throws -> [Document] {
        var documents: [Document] = []
        for path in paths {
            for (source, text) in try texts(path, readStandardInput: readStandardInput) {
                do {
                    for object in try Manifests.parse(text) {
                        guard object.objectValue != nil else { throw CLIError("\(source): a document is not an object") }
                        documents.append(Document(source: source, object: object))
                    }
                } catch let error as Manifests.ParseError {
                    throw CLIError("\(source): \(error.message)")
                }
            }
        }
        return documents
    }

    static func texts(_ path: String, readStandardInput: () -> String) throws -> [(String, String)] {
        if path == "-" { return [("<stdin>", readStandardInput())] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError("the path \"\(path)\" does not exist")
        }
        let files: [String]
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path)
            files = names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            if files.isEmpty { throw CLIError("error reading \(path): no .yaml, .yml or .json files in the directory") }
        } else {
            files = [path]
        }
        return try files.map { file in
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            return (file, String(decoding: data, as: UTF8.self))
        }
    }
}
