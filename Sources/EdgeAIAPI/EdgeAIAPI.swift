// EdgeAIAPI
