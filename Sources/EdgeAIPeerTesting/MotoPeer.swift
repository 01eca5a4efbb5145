package import EdgeAITesting
import Foundation
package import RemoteStore

/// moto's S3 server on a loopback port, with signature checking on.
///
/// Setup (an IAM user with an access key and an allow-all policy, a bucket, objects) runs
/// through boto3 while moto still accepts anything; then `POST /moto-api/reset-auth 0` turns
/// on authentication for every later request, so each of ours must carry a valid SigV4
/// signature from that user's key.
package final class MotoPeer: @unchecked Sendable {
    package let directory: TemporaryDirectory
    package let port: Int
    package let bucket: String
    package private(set) var credentials: S3Credentials
    private let process: PeerProcess

    /// `objects`: key → content; `generated`: a prefix and how many small objects to put under it.
    package init(bucket: String = "edgeai-data", objects: [String: String] = [:], generated: (prefix: String, count: Int)? = nil)
        async throws
    {
        let moto = try Peers.require(Peers.moto, install: Peers.motoInstall)
        let python = try Peers.require(Peers.python, install: Peers.motoInstall)
        directory = try TemporaryDirectory(prefix: "edgeai-moto")
        port = try freeLoopbackPort()
        self.bucket = bucket
        process = try PeerProcess(name: "moto", executable: moto, arguments: ["-H", "127.0.0.1", "-p", String(port)],
            log: directory.path + "/moto.log")
        let port = self.port
        try await eventually("moto to listen on \(port)", timeout: .seconds(30)) { Peers.accepts(port) }
        let spec: [String: Any] = [
            "endpoint": "http://127.0.0.1:\(port)", "bucket": bucket, "objects": objects,
            "prefix": generated?.prefix ?? "", "count": generated?.count ?? 0,
        ]
        let specPath = directory.path + "/spec.json"
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        let scriptPath = directory.path + "/setup.py"
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let (status, out, err) = try runProcess(python, [scriptPath, specPath])
        guard status == 0 else { throw Peers.Missing(description: "moto setup failed: \(err)") }
        let keys = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: String] ?? [:]
        credentials = try S3Credentials(accessKeyID: keys["id"] ?? "", secretAccessKey: keys["secret"] ?? "")
    }

    package var endpoint: S3Endpoint {
        get throws { try S3Endpoint(useHTTPS: false, host: "127.0.0.1", port: port, addressing: .path, allowInsecureHTTP: true) }
    }

    package func source(_ key: String, credentials: S3Credentials? = nil) throws -> RemoteSource {
        try RemoteSource(location: RemoteLocation(parsing: "s3://\(bucket)/\(key)"), endpoint: endpoint,
            credentials: credentials ?? self.credentials)
    }

    package func stop() {
        process.stop()
        directory.remove()
    }

    static let script = """
        import json, sys, urllib.request
        import boto3
        spec = json.load(open(sys.argv[1]))
        ep = spec["endpoint"]
        kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
        iam = boto3.client("iam", **kw)
        iam.create_user(UserName="edgeai")
        iam.put_user_policy(UserName="edgeai", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="edgeai")["AccessKey"]
        s3 = boto3.client("s3", **kw)
        s3.create_bucket(Bucket=spec["bucket"])
        for name, body in spec["objects"].items():
            s3.put_object(Bucket=spec["bucket"], Key=name, Body=body.encode())
        for i in range(spec["count"]):
            s3.put_object(Bucket=spec["bucket"], Key="%s%05d.txt" % (spec["prefix"], i), Body=b"x")
        urllib.request.urlopen(urllib.request.Request(ep + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"})).read()
        print(json.dumps({"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}))
        """
}

