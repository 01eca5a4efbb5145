// EdgeAITesting
