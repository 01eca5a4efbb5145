// EdgeAIPKI
