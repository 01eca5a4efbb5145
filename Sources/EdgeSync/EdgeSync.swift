// EdgeSync
