import EdgeAgent

/// The agent's node type, named apart from `EdgeAIAPI.EdgeNode` (the API kind) for files importing both.
typealias AgentNode = EdgeNode
