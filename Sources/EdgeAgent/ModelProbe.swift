package import EdgeAIAPI

/// Whether a model's file is on this node, and its size: a `stat` of the resolved location,
/// never an open. A refused location (``DataLocator``) is reported absent with the reason.
package struct ModelProbe: Sendable {
    package let locator: DataLocator

    package init(locator: DataLocator) { self.locator = locator }

    /// What this node says about the model at `modelUrl`, looked at `now`, plus the host path
    /// when the location was accepted.
    package func probe(modelUrl: String, nodeName: String, now: Time) -> (status: ModelNodeStatus, path: String?) {
        switch locator.resolve(modelUrl) {
        case .failure(let error):
            return (ModelNodeStatus(nodeName: nodeName, present: false, updateTime: now, message: "NotAllowed: \(error.message)"), nil)
        case .success(let location):
            switch DataLocator.status(ofHostPath: location.hostPath) {
            case .failure(let error):
                let message = error.isNotFound ? "NotFound: \(location.nodePath)" : "PermissionDenied: \(location.nodePath)"
                return (ModelNodeStatus(nodeName: nodeName, present: false, updateTime: now, message: message), location.hostPath)
            case .success(let size):
                return (ModelNodeStatus(nodeName: nodeName, present: true, sizeBytes: size, updateTime: now), location.hostPath)
            }
        }
    }
}

extension ModelNodeStatus {
    /// Whether `other` says something different, ignoring `updateTime`.
    func differsInSubstance(from other: ModelNodeStatus?) -> Bool {
        guard var other else { return true }
        other.updateTime = updateTime
        return other != self
    }
}
