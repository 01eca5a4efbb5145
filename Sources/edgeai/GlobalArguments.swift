import ArgumentParser

/// kubectl accepts its connection flags before the command (`kubectl -n lab get pods`);
/// ArgumentParser only after it. This moves leading `--kubeconfig`, `--context`,
/// `-n/--namespace` and `--request-timeout` (with their values) behind the command's own
/// arguments, before any `--`. Anything else is left exactly as typed. Pure.
enum GlobalArguments {
    static let withValue: Set<String> = ["--kubeconfig", "--context", "-n", "--namespace", "--request-timeout"]

    static func normalize(_ arguments: [String]) -> [String] {
        var moved: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if withValue.contains(argument), index + 1 < arguments.count {
                moved += [argument, arguments[index + 1]]
                index += 2
            } else if let eq = argument.firstIndex(of: "="), withValue.contains(String(argument[..<eq])) {
                moved.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !moved.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        let insertAt = rest.firstIndex(of: "--") ?? rest.count
        rest.insert(contentsOf: moved, at: insertAt)
        return rest
    }
}

extension EdgeAI {
    /// The entry point: global flags may come before the command, as with kubectl.
    static func main() async {
        await main(GlobalArguments.normalize(Array(CommandLine.arguments.dropFirst())))
    }
}
