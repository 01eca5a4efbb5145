import DatasetScan
import NIOPosix
package import RemoteStore

/// The node's copies of remote datasets (``EdgeAIAPI/DatasetSpec/localCopy``): one object per
/// dataset in a ``ModelCache`` of their own, each version keyed by (URL, ETag or Last-Modified),
/// so a changed object is fetched beside the copy jobs hold and switched to in one index write.
///
/// A look is a HEAD, and a transfer only when the object changed (or the copy is gone): the
/// copy is then counted locally, so the data crosses the network once. A version already in
/// the cache after a restart is counted without a transfer.
package struct DatasetCopies: Sendable {
    package let cache: ModelCache
    let downloader: Downloader

    package init(cache: ModelCache, client: RemoteClient, downloader: Downloader.Configuration = Downloader.Configuration()) {
        self.cache = cache
        self.downloader = Downloader(client: client, configuration: downloader)
    }

    /// Brings the copy of `remote` for dataset `name` (`namespace/name`) up to date and counts it.
    /// - Throws: ``RemoteError``, or ``DatasetScan/ScanError`` when the copy does not parse.
    func look(
        _ remote: RemoteSource, name: String, format: DatasetFormat, previous: RemoteCounter.Validators?, source: String
    ) async throws -> RemoteLook.Result {
        let info = try await downloader.client.head(remote)
        let validators = RemoteCounter.Validators(etag: info.etag, lastModified: info.lastModified)
        let version = info.etag ?? info.lastModified
        let url = remote.location.description
        let key = ModelCacheIndex.Key(url: url, version: version)
        // Without a validator every look is a new version: nothing can say the copy is current.
        let cached = version == nil ? nil : try await cache.cached(key: key, fileName: url)
        if cached != nil, previous == validators {
            _ = await cache.currentDirectory(model: name)  // in use: evicted last
            return .unchanged
        }
        let path: String
        let size: Int64
        if let cached {
            (path, size) = (cached.path, cached.size)
        } else {
            let result = try await downloader.download(remote, to: try await cache.destination(for: key, fileName: url))
            (path, size) = (result.path, result.size)
        }
        try await cache.commit(model: name, key: key, size: size)
        let scan = try await NIOThreadPool.singleton.runIfActive { try DatasetScanner().scan(path: path, format: format) }
        let count = RemoteCount(samples: scan.numberOfSamples, bytes: size, source: source, version: version)
        return .counted(count, validators, path: path)
    }

    /// The dataset is gone from the node: its copy stays until evicted.
    func forget(_ name: String) async {
        try? await cache.forget(model: name)
    }
}
