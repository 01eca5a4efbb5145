print("edgeai")
