extension CustomResourceDefinition.PrinterColumn {
    /// A printer column for kinds defined outside a CRD (the API server's built-in kinds).
    public static func column(_ name: String, type: String, description: String, jsonPath: String) -> Self {
        Self(name: name, type: type, description: description, jsonPath: jsonPath)
    }
}
