// APIServer
