/// What an operator runs to provision one edge node: label it, put its token (0600) and the hub's
/// CA in `/etc/edgeai`, create `/data`. Pure text; the token appears only in this output, which
/// the operator pipes to the node. Later issues extend it (an EdgeNode object), so each step is
/// one entry of ``steps``.
struct NodeProvisioning {
    var node: String
    var token: String
    var caPEM: String

    /// The shell steps, in order.
    var steps: [String] {
        [
            "kubectl label node \(node) node-role.kubernetes.io/edge= --overwrite",
            """
            ssh \(node) 'sudo install -d -m 0755 /etc/edgeai /data && sudo install -m 0644 /dev/stdin /etc/edgeai/ca.crt' <<'EOF'
            \(caPEM.hasSuffix("\n") ? String(caPEM.dropLast()) : caPEM)
            EOF
            """,
            """
            ssh \(node) 'sudo install -m 0600 /dev/stdin /etc/edgeai/token.new && sudo mv /etc/edgeai/token.new /etc/edgeai/token' <<'EOF'
            \(token)
            EOF
            """,
        ]
    }

    /// The whole script: a comment, then the steps.
    var script: String {
        """
        # Provision edge node \(node): run these from a machine with kubectl and ssh access to the node.
        # The token below is secret (it authenticates \(node) to the hub); do not store this output.
        # The agent picks up a changed /etc/edgeai/token or ca.crt by itself (no restart needed).

        """ + steps.joined(separator: "\n") + "\n"
    }
}
