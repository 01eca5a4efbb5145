// DatasetScan
