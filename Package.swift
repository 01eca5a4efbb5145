// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "edgeai",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edgeai", targets: ["edgeai"]),
        .executable(name: "edgeai-node", targets: ["edgeai-node"]),
        .executable(name: "edgeai-bench", targets: ["EdgeAIBench"]),
        .library(name: "EdgeAIAPI", targets: ["EdgeAIAPI"]),
        .library(name: "DatasetScan", targets: ["DatasetScan"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        // Module map and allowed dependencies: docs/architecture.md.

        // Leaf building blocks with no dependencies: Backoff, TokenBucket, SplitMix64, Duration helpers.
        .target(name: "EdgeAICore", swiftSettings: swiftSettings),
        // JSON as a value (JSONValue), its strict parser and canonical writer, typed Kubernetes JSON.
        .target(name: "JSON", swiftSettings: swiftSettings),
        // Dataset/Model types, the CRDs as data, schema and metadata validation.
        .target(name: "EdgeAIAPI", dependencies: ["JSON"], swiftSettings: swiftSettings),
        // Manifests as YAML (or JSON) documents in and out, and the CRDs rendered as YAML.
        .target(
            name: "ManifestYAML",
            dependencies: ["EdgeAIAPI", "JSON", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Exact, streaming, incremental sample counting. No dependencies.
        .target(name: "DatasetScan", swiftSettings: swiftSettings),
        // One SQLite file in WAL mode owned by one process (lock file, pragmas, schema).
        .target(
            name: "SQLiteSupport",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Revisioned SQLite log (kine's shape): the revision is the resourceVersion.
        .target(
            name: "ObjectStore",
            dependencies: [
                "SQLiteSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // CA, serving certificates, bearer tokens, kubeconfig writing.
        .target(
            name: "EdgeAIPKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Kubernetes' protobuf wire format for the built-in kinds (code generated from Protos/k8s by
        // Scripts/generate-protobuf.sh and committed) ↔ the same JSON values.
        .target(
            name: "KubeProtobuf",
            dependencies: ["JSON", "EdgeAIAPI", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: swiftSettings
        ),
        // The embedded Kubernetes-compatible API server over ObjectStore.
        .target(
            name: "APIServer",
            dependencies: [
                "EdgeAIAPI", "EdgeAICore", "JSON", "ManifestYAML", "ObjectStore", "EdgeAIPKI", "KubeProtobuf",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ],
            resources: [.embedInCode("Resources/meta-schemas.json")],
            swiftSettings: swiftSettings
        ),
        // Kubernetes REST client: kubeconfig, CRUD, patch, watch, informers.
        .target(
            name: "KubeClient",
            dependencies: [
                "EdgeAIAPI", "EdgeAICore", "JSON", "ManifestYAML",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The cloud<->edge wire protocol: messages, versions, the two session state machines. No transport.
        .target(name: "EdgeSync", dependencies: ["EdgeAIAPI", "EdgeAICore", "JSON"], swiftSettings: swiftSettings),
        // The cloud side of the hub transport: the TLS WebSocket server, node authentication, one
        // connection per node driving HubSession, hub metrics. Writes and events go through protocols.
        .target(
            name: "EdgeHub",
            dependencies: [
                "EdgeSync", "EdgeAICore", "EdgeAIPKI", "EdgeAIAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The cloud controller: informers → per-node desired state, routed through the hub; the
        // status writer and event recorder against the API.
        .target(
            name: "CloudController",
            dependencies: [
                "EdgeHub", "EdgeSync", "EdgeAIAPI", "EdgeAICore", "EdgeAIPKI", "JSON", "KubeClient", "RemoteStore",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The edge side of the hub transport: drives EdgeLink over a TLS WebSocket.
        .target(
            name: "HubClient",
            dependencies: [
                "EdgeSync", "EdgeAICore",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The edge agent: local store, data location, dataset monitor, local API for jobs.
        .target(
            name: "EdgeAgent",
            dependencies: [
                "EdgeAIAPI", "EdgeSync", "DatasetScan", "HubClient", "CMalloc", "SQLiteSupport", "EdgeAICore", "RemoteStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Remote data and model delivery: AWS SigV4, s3:// and https:// locations, HEAD/GET/list
        // clients with no-progress timeouts, verified resumable downloads, remote counting, the
        // model cache. Not wired into the agent yet.
        .target(
            name: "RemoteStore",
            dependencies: [
                "DatasetScan", "CFileSync",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web dashboard under /ui/: login and sessions, server-rendered pages, live updates by
        // server-sent events from watches made with the viewer's own token.
        .target(
            name: "Dashboard",
            dependencies: [
                "KubeClient", "EdgeAIAPI", "EdgeAICore", "JSON", "ManifestYAML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("Resources/dashboard.css"), .embedInCode("Resources/dashboard.js")],
            swiftSettings: swiftSettings
        ),
        // Test kit, light: temporary directories and condition waits. Depends on nothing heavy.
        .target(name: "EdgeAITesting", swiftSettings: swiftSettings),
        // Test kit, remote peers: nginx (HTTPS with Range) and moto's S3 server as real processes.
        .target(
            name: "EdgeAIPeerTesting",
            dependencies: [
                "EdgeAITesting", "EdgeAIPKI", "RemoteStore",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test kit, servers: the embedded API server in-process on port 0 with an admin client,
        // the cloud controller and edge nodes over the real hub (shared by tests and benchmarks).
        .target(
            name: "EdgeAICloudTesting",
            dependencies: [
                "APIServer", "CloudController", "EdgeAIAPI", "EdgeAICore", "EdgeAIPKI", "EdgeAITesting", "EdgeSync", "HubClient", "KubeClient", "ObjectStore", "EdgeHub",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The children the crash tests SIGKILL: a store writer and an agent (Sources/edgeai-crash-child).
        .executableTarget(
            name: "edgeai-crash-child",
            dependencies: [
                "EdgeAIAPI", "EdgeAgent", "EdgeSync", "HubClient", "ObjectStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // glibc's malloc_trim/mallopt, for the agent's memory trim (the Glibc module lacks <malloc.h>).
        .target(name: "CMalloc"),
        // Linux's sync_file_range, so a download's writeback overlaps the transfer (the Glibc module lacks it).
        .target(name: "CFileSync"),
        // The node's commands (`edge`, `healthz`), shared by `edgeai` and the lean `edgeai-node`.
        .target(
            name: "NodeCommands",
            dependencies: [
                "EdgeAgent", "EdgeSync", "HubClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the DaemonSet runs: the agent, its hub client and the scanner; no API server,
        // Kubernetes client or YAML, so the node maps only the code it runs.
        .executableTarget(
            name: "edgeai-node",
            dependencies: ["NodeCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "edgeai",
            dependencies: [
                "EdgeAIAPI", "EdgeAICore", "JSON", "ManifestYAML", "DatasetScan", "APIServer", "EdgeAIPKI", "ObjectStore", "CloudController", "KubeClient", "EdgeAgent", "HubClient", "EdgeSync", "Dashboard", "NodeCommands",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EdgeAIBench",
            dependencies: [
                "DatasetScan", "EdgeAIAPI", "ObjectStore", "EdgeAIPKI", "KubeClient", "APIServer", "CloudController", "HubClient", "EdgeSync", "EdgeAgent", "JSON", "ManifestYAML", "EdgeAICore", "EdgeHub", "RemoteStore",
                "Dashboard", "EdgeAICloudTesting", "EdgeAITesting", "EdgeAIPeerTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EdgeAICoreTests", dependencies: ["EdgeAICore"], swiftSettings: swiftSettings),
        .testTarget(name: "KubeProtobufTests", dependencies: ["KubeProtobuf", "JSON", "EdgeAICore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EdgeAIAPITests",
            dependencies: [
                "EdgeAIAPI", "JSON", "ManifestYAML", "EdgeAITesting",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DatasetScanTests",
            dependencies: [
                "DatasetScan",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeSyncTests",
            dependencies: [
                "EdgeSync", "EdgeAIAPI", "EdgeAICore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ObjectStoreTests",
            dependencies: ["ObjectStore", "EdgeAITesting", "edgeai-crash-child"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "APIServerTests",
            dependencies: [
                "APIServer", "EdgeAIAPI", "EdgeAITesting", "EdgeAIPKI", "ObjectStore", "JSON", "EdgeAICloudTesting", "KubeClient", "KubeProtobuf",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeAIPKITests",
            dependencies: [
                "EdgeAIPKI", "EdgeAITesting",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The kubectl-like commands: pure formatting called directly, commands run as the built
        // `edgeai` binary against an in-process embedded API server.
        .testTarget(
            name: "EdgeAICLITests",
            dependencies: [
                "edgeai", "edgeai-node", "NodeCommands", "KubeClient", "EdgeAIAPI", "EdgeAITesting", "EdgeAIPKI", "ObjectStore", "JSON", "ManifestYAML", "EdgeAICloudTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeAgentTests",
            dependencies: [
                "EdgeAgent", "EdgeSync", "EdgeAIAPI", "DatasetScan", "EdgeAITesting", "EdgeAICloudTesting", "HubClient", "KubeClient", "EdgeAICore",
                "RemoteStore", "EdgeAIPeerTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                "edgeai-crash-child",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CloudControllerTests",
            dependencies: [
                "CloudController", "HubClient", "EdgeSync", "EdgeAIAPI", "EdgeAITesting", "EdgeAICloudTesting", "EdgeAIPKI", "KubeClient", "EdgeHub", "EdgeAICore", "JSON", "RemoteStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "KubeClient", "EdgeAIAPI", "EdgeAITesting", "EdgeAIPKI", "ObjectStore", "EdgeAICore", "JSON", "EdgeAICloudTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Dashboard", "KubeClient", "EdgeAIAPI", "EdgeAITesting", "EdgeAICloudTesting", "EdgeAIPKI", "JSON", "edgeai",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RemoteStoreTests",
            dependencies: [
                "RemoteStore", "DatasetScan", "EdgeAITesting", "EdgeAIPeerTesting",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)
