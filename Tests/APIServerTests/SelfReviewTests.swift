import EdgeAIAPI
import EdgeAIPKI
import JSON
import Testing

@testable import APIServer

/// The self reviews as pure functions of body and identity (no server).
@Suite struct SelfReviewTests {
    let admin = UserInfo(name: "admin", uid: "admin", groups: ["system:masters"])
    let cloud = UserInfo(name: Authorizer.cloudControllerUser, uid: "cloud", groups: [Authorizer.controllersGroup])
    let other = UserInfo(name: "someone")
    let now = Time(rfc3339: "2026-12-01T07:54:03Z") ?? .now()

    func access(_ attributes: JSONValue, _ user: UserInfo, key: String = "resourceAttributes") throws -> JSONValue {
        let body: JSONValue = ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": [key: attributes]]
        return try SelfReview.evaluate(SelfReview.access, body: body, user: user, now: now).body
    }

    func allowed(_ attributes: JSONValue, _ user: UserInfo, key: String = "resourceAttributes") throws -> Bool {
        try access(attributes, user, key: key)["status"]?["allowed"]?.boolValue ?? false
    }

    func failure(_ endpoint: SelfReview.Endpoint, _ body: JSONValue, validation: WriteOptions.FieldValidation = .warn) -> APIError? {
        do {
            _ = try SelfReview.evaluate(endpoint, body: body, user: admin, fieldValidation: validation, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test func accessReviewAnswersFromTheAuthorizer() throws {
        let createDatasets: JSONValue = ["group": "edgeai.io", "resource": "datasets", "verb": "create", "namespace": "ns"]
        let patchStatus: JSONValue = ["group": "edgeai.io", "resource": "datasets", "subresource": "status", "verb": "patch", "namespace": "ns"]
        #expect(try allowed(createDatasets, admin))
        #expect(try !allowed(createDatasets, cloud))
        #expect(try allowed(patchStatus, cloud))
        #expect(try !allowed(patchStatus, other))
        #expect(try allowed(["resource": "leases", "group": "coordination.k8s.io", "verb": "update"], cloud))
        #expect(try allowed(["resource": "namespaces", "verb": "watch"], cloud))
        #expect(try !allowed(["resource": "namespaces", "verb": "delete", "name": "default"], cloud))
        #expect(try allowed(["resource": "*", "group": "*", "verb": "*"], admin))
        #expect(try !allowed(["resource": "*", "group": "*", "verb": "*"], cloud))
        // Everybody may ask.
        #expect(try allowed(["group": "authorization.k8s.io", "resource": "selfsubjectaccessreviews", "verb": "create"], other))
    }

    @Test func accessReviewOfNonResourceURLs() throws {
        #expect(try allowed(["path": "/metrics", "verb": "get"], admin, key: "nonResourceAttributes"))
        #expect(try !allowed(["path": "/metrics", "verb": "get"], cloud, key: "nonResourceAttributes"))
        #expect(try allowed(["path": "/apis/edgeai.io", "verb": "get"], other, key: "nonResourceAttributes"))
        #expect(try !allowed(["path": "/apis/edgeai.io", "verb": "post"], other, key: "nonResourceAttributes"))
        #expect(try allowed(["path": "/version", "verb": "get"], cloud, key: "nonResourceAttributes"))
    }

    @Test func accessReviewEchoesTheSpecAsKubeApiserver() throws {
        let answer = try access(["group": "edgeai.io", "resource": "datasets", "verb": "create", "namespace": "ns", "name": ""], admin)
        #expect(answer == [
            "kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": [:],
            "spec": ["resourceAttributes": ["group": "edgeai.io", "resource": "datasets", "verb": "create", "namespace": "ns"]],
            "status": ["allowed": true],
        ])
    }

    @Test func accessReviewNeedsExactlyOneKindOfAttributes() throws {
        let neither = failure(SelfReview.access, ["spec": [:]])
        #expect(neither?.code == 422)
        #expect(neither?.message == #"SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified"#)
        #expect(neither?.details?["causes"]?.arrayValue?.first?["field"] == "spec.resourceAttributes")
        let both = failure(SelfReview.access, ["spec": ["resourceAttributes": ["verb": "get"], "nonResourceAttributes": ["path": "/x", "verb": "get"]]])
        #expect(both?.code == 422)
        #expect(both?.message.hasSuffix(#"spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes"#) == true)
        let named = failure(SelfReview.access, ["metadata": ["name": "x"], "spec": ["resourceAttributes": ["verb": "get"]]])
        #expect(named?.code == 422)
        #expect(named?.message.contains("metadata: Invalid value: ") == true)
        #expect(named?.message.hasSuffix("must be empty") == true)
        // managedFields (set by kube-apiserver's own field manager) and zero values do not count.
        #expect(failure(SelfReview.access, ["metadata": ["managedFields": [["manager": "m"]], "name": ""], "spec": ["resourceAttributes": ["verb": "get"]]]) == nil)
    }

    @Test func wrongTypesAreGosDecodeErrors() {
        let spec = failure(SelfReview.access, ["spec": "x"])
        #expect(spec?.code == 400)
        #expect(spec?.message == #"SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: json: cannot unmarshal string into Go struct field SelfSubjectAccessReview.spec of type v1.SelfSubjectAccessReviewSpec"#)
        let verb = failure(SelfReview.access, ["spec": ["resourceAttributes": ["verb": 3]]])
        #expect(verb?.message.hasSuffix("json: cannot unmarshal number into Go struct field ResourceAttributes.spec.resourceAttributes.verb of type string") == true)
        let top = failure(SelfReview.subject, [1])
        #expect(top?.code == 400)
        #expect(top?.message.hasPrefix("the object provided is unrecognized (must be of type SelfSubjectReview): couldn't get version/kind; json parse error: json: cannot unmarshal array") == true)
        let version = failure(SelfReview.access, ["apiVersion": "v1", "spec": ["resourceAttributes": ["verb": "get"]]])
        #expect(version?.message == "the API version in the data (v1) does not match the expected API version (authorization.k8s.io/v1)")
        let kind = failure(SelfReview.rules, ["apiVersion": "authorization.k8s.io/v1", "kind": "Pod", "spec": ["namespace": "d"]])
        #expect(kind?.code == 400)
    }

    @Test func unknownFieldsFollowFieldValidation() throws {
        let body: JSONValue = ["spec": ["resourceAttributes": ["verb": "get", "bogus": 1]]]
        let strict = failure(SelfReview.access, body, validation: .strict)
        #expect(strict?.message == #"SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: strict decoding error: unknown field "spec.resourceAttributes.bogus""#)
        let warned = try SelfReview.evaluate(SelfReview.access, body: body, user: admin, fieldValidation: .warn, now: now)
        #expect(warned.warnings == [#"unknown field "spec.resourceAttributes.bogus""#])
        let ignored = try SelfReview.evaluate(SelfReview.access, body: body, user: admin, fieldValidation: .ignore, now: now)
        #expect(ignored.warnings.isEmpty)
    }

    @Test func rulesReviewListsTheAuthorizersGrants() throws {
        let body: JSONValue = ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": ["namespace": "default"]]
        let forAdmin = try SelfReview.evaluate(SelfReview.rules, body: body, user: admin, now: now).body
        let resourceRules = forAdmin["status"]?["resourceRules"]?.arrayValue ?? []
        #expect(resourceRules.first == ["verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]])
        #expect(resourceRules.last == ["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]])
        #expect(forAdmin["status"]?["nonResourceRules"]?.arrayValue?.contains(["verbs": ["*"], "nonResourceURLs": ["*"]]) == true)
        #expect(forAdmin["status"]?["incomplete"] == false)
        #expect(forAdmin["spec"] == [:])
        let forCloud = try SelfReview.evaluate(SelfReview.rules, body: body, user: cloud, now: now).body
        let cloudRules = forCloud["status"]?["resourceRules"]?.arrayValue ?? []
        #expect(cloudRules.contains(["verbs": ["get", "list", "watch", "patch", "update"], "apiGroups": ["edgeai.io"], "resources": ["datasets/status", "models/status"]]))
        #expect(!cloudRules.contains { $0["resources"] == ["*"] })
        let forOther = try SelfReview.evaluate(SelfReview.rules, body: body, user: other, now: now).body
        #expect(forOther["status"]?["resourceRules"]?.arrayValue?.count == 2)
        let noNamespace = failure(SelfReview.rules, ["spec": [:]])
        #expect(noNamespace?.code == 400)
        #expect(noNamespace?.message == "no namespace on request")
    }

    @Test func subjectReviewReportsTheIdentity() throws {
        let body: JSONValue = ["apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"]
        let answer = try SelfReview.evaluate(SelfReview.subject, body: body, user: admin, now: now).body
        #expect(answer == [
            "kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1", "metadata": ["creationTimestamp": "2026-12-01T07:54:03Z"],
            "status": ["userInfo": ["username": "admin", "uid": "admin", "groups": ["system:masters", "system:authenticated"]]],
        ])
        let anonymousUID = try SelfReview.evaluate(SelfReview.subject, body: [:], user: other, now: now).body
        #expect(anonymousUID["status"]?["userInfo"] == ["username": "someone", "groups": ["system:authenticated"]])
    }

    /// `isAllowed` and the rules the rules review lists are the same grants.
    @Test func rulesAndDecisionsAgree() {
        let verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*"]
        let resources: [(String, String, String?)] = [
            ("edgeai.io", "datasets", nil), ("edgeai.io", "datasets", "status"), ("edgeai.io", "models", "status"),
            ("", "namespaces", nil), ("", "events", nil), ("coordination.k8s.io", "leases", nil), ("", "secrets", nil),
            ("authorization.k8s.io", "selfsubjectaccessreviews", nil), ("authentication.k8s.io", "selfsubjectreviews", nil),
        ]
        for user in [admin, cloud, other] {
            let rules = Authorizer.rules(for: user).resourceRules
            for verb in verbs {
                for (group, resource, sub) in resources {
                    let a = Authorizer.Attributes(verb: verb, group: group, resource: resource, subresource: sub, namespace: "d")
                    #expect(Authorizer.isAllowed(user, a) == rules.contains { $0.matches(a) }, "\(user) \(a)")
                }
            }
        }
    }

    @Test func ruleMatchingIsRBACs() {
        let named = ResourceRule(verbs: ["get"], apiGroups: [""], resources: ["*/status"], resourceNames: ["a"])
        #expect(named.matches(.init(verb: "get", group: "", resource: "pods", subresource: "status", name: "a")))
        #expect(!named.matches(.init(verb: "get", group: "", resource: "pods", subresource: "status", name: "b")))
        #expect(!named.matches(.init(verb: "get", group: "", resource: "pods", subresource: "status")))
        #expect(!named.matches(.init(verb: "get", group: "", resource: "pods", name: "a")))
        let prefix = NonResourceRule(verbs: ["get"], nonResourceURLs: ["/apis/*"])
        #expect(prefix.matches(path: "/apis/x/y", verb: "get"))
        #expect(!prefix.matches(path: "/apis", verb: "get"))
        #expect(!prefix.matches(path: "/apis/x", verb: "put"))
    }
}
