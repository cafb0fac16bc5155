using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Authorization;

/// <summary>
/// RBAC enforced by the in-process agent over HTTP: the default policy, the default ServiceAccount of new
/// namespaces, upstream's 403 messages, a service account denied then allowed through a RoleBinding, escalation
/// prevention, the review endpoints and TokenRequest. Policy changes reach the authorizer through a watch, so
/// "allowed after" checks poll.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RbacHttpTests
{
    private static int _counter;
    private TestPki _pki = null!;
    private RunningAgent _agent = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pki = new TestPki();
        _agent = await RunningAgent.StartAsync(_pki);
        _http = _agent.CreateClient(_pki.Admin);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _pki?.Dispose();
    }

    [Test]
    public async Task Bootstrap_roles_and_bindings_exist_and_aggregate()
    {
        var admin = await OkAsync("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/cluster-admin");
        Assert.That(admin["rules"]!.ToJsonString(), Does.Contain("\"nonResourceURLs\":[\"*\"]"));
        Assert.That(admin["metadata"]!["annotations"]!["rbac.authorization.kubernetes.io/autoupdate"]!.GetValue<string>(), Is.EqualTo("true"));
        var binding = await OkAsync("GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/cluster-admin");
        Assert.That(binding["subjects"]![0]!["name"]!.GetValue<string>(), Is.EqualTo("system:masters"));
        foreach (var name in new[] { "system:discovery", "system:basic-user", "system:public-info-viewer", "system:kube-scheduler", "system:kube-controller-manager", "system:node" })
        {
            await OkAsync("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/" + name);
        }

        // view → edit → admin through the aggregate-to-* labels.
        await EventuallyAsync(async () => (await OkAsync("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin"))["rules"]?.ToJsonString() is { } rules
            && rules.Contains("\"localsubjectaccessreviews\"", StringComparison.Ordinal)
            && rules.Contains("\"pods/exec\"", StringComparison.Ordinal)
            && rules.Contains("\"controllerrevisions\"", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_labelled_cluster_role_is_aggregated_into_view()
    {
        await OkAsync("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", """
            {"metadata":{"name":"widgets-view","labels":{"rbac.authorization.k8s.io/aggregate-to-view":"true"}},
             "rules":[{"apiGroups":["example.com"],"resources":["widgets"],"verbs":["get"]}]}
            """);
        await EventuallyAsync(async () =>
            (await OkAsync("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view"))["rules"]!.ToJsonString().Contains("\"widgets\"", StringComparison.Ordinal)
            && (await OkAsync("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin"))["rules"]!.ToJsonString().Contains("\"widgets\"", StringComparison.Ordinal));
    }

    [Test]
    public async Task New_namespaces_get_a_default_service_account()
    {
        var ns = await NamespaceAsync();
        await EventuallyAsync(async () => (await SendAsync("GET", $"/api/v1/namespaces/{ns}/serviceaccounts/default")).Code == HttpStatusCode.OK);
        await OkAsync("DELETE", $"/api/v1/namespaces/{ns}/serviceaccounts/default");
        await EventuallyAsync(async () => (await SendAsync("GET", $"/api/v1/namespaces/{ns}/serviceaccounts/default")).Code == HttpStatusCode.OK);
    }

    [Test]
    public async Task Service_account_is_denied_with_upstream_messages_then_allowed_by_a_role_binding()
    {
        var ns = await NamespaceAsync();
        var token = await TokenAsync(ns, "default");
        var user = $"system:serviceaccount:{ns}:default";

        var list = await SendAsync("GET", $"/api/v1/namespaces/{ns}/pods", token: token);
        Assert.That(list.Code, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(list.Body["kind"]!.GetValue<string>(), Is.EqualTo("Status"));
        Assert.That(list.Body["reason"]!.GetValue<string>(), Is.EqualTo("Forbidden"));
        Assert.That(list.Body["message"]!.GetValue<string>(),
            Is.EqualTo($"pods is forbidden: User \"{user}\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\""));

        var get = await SendAsync("GET", $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale", token: token);
        Assert.That(get.Body["message"]!.GetValue<string>(),
            Is.EqualTo($"deployments.apps \"web\" is forbidden: User \"{user}\" cannot get resource \"deployments/scale\" in API group \"apps\" in the namespace \"{ns}\""));
        Assert.That(get.Body["details"]!["name"]!.GetValue<string>(), Is.EqualTo("web"));
        Assert.That(get.Body["details"]!["kind"]!.GetValue<string>(), Is.EqualTo("deployments"));

        var nodes = await SendAsync("GET", "/api/v1/nodes?watch=true", token: token);
        Assert.That(nodes.Body["message"]!.GetValue<string>(),
            Is.EqualTo($"nodes is forbidden: User \"{user}\" cannot watch resource \"nodes\" in API group \"\" at the cluster scope"));

        var path = await SendAsync("GET", "/metrics", token: token);
        Assert.That(path.Code, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(path.Body["message"]!.GetValue<string>(), Is.EqualTo($"forbidden: User \"{user}\" cannot get path \"/metrics\""));

        // Discovery and the self reviews are everyone's.
        Assert.That((await SendAsync("GET", "/apis", token: token)).Code, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await SendAsync("GET", "/api/v1", token: token)).Code, Is.EqualTo(HttpStatusCode.OK));

        await OkAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
            $$"""{"metadata":{"name":"sa-view"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"ServiceAccount","name":"default","namespace":"{{ns}}"}]}""");
        await EventuallyAsync(async () => (await SendAsync("GET", $"/api/v1/namespaces/{ns}/pods", token: token)).Code == HttpStatusCode.OK);
        Assert.That((await SendAsync("POST", $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"x"}}""", token)).Code, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await SendAsync("GET", $"/api/v1/namespaces/default/pods", token: token)).Code, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_binding_to_a_missing_role_is_named_in_the_reason()
    {
        var ns = await NamespaceAsync();
        var token = await TokenAsync(ns, "default");
        await OkAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
            """{"metadata":{"name":"dangling"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"nope"},"subjects":[{"kind":"ServiceAccount","name":"default"}]}""");
        await EventuallyAsync(async () => (await SendAsync("GET", $"/api/v1/namespaces/{ns}/secrets", token: token)).Body["message"]?.GetValue<string>()
            ?.EndsWith(": RBAC: role.rbac.authorization.k8s.io \"nope\" not found", StringComparison.Ordinal) == true);
    }

    [Test]
    public async Task Escalation_is_refused_unless_held_or_granted_by_escalate_and_bind()
    {
        var ns = await NamespaceAsync();
        var token = await TokenAsync(ns, "default");
        var user = $"system:serviceaccount:{ns}:default";
        await OkAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", """
            {"metadata":{"name":"rbac-manager"},"rules":[
              {"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles","rolebindings"],"verbs":["create","get"]},
              {"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]}
            """);
        await OkAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
            """{"metadata":{"name":"mgr"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"rbac-manager"},"subjects":[{"kind":"ServiceAccount","name":"default"}]}""");
        await EventuallyAsync(async () => (await SendAsync("GET", $"/api/v1/namespaces/{ns}/configmaps", token: token)).Code == HttpStatusCode.OK);

        var escalating = await SendAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
            """{"metadata":{"name":"secrets"},"rules":[{"apiGroups":[""],"resources":["secrets","configmaps"],"verbs":["get","delete"]}]}""", token);
        Assert.That(escalating.Code, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(escalating.Body["message"]!.GetValue<string>(), Is.EqualTo(
            $"roles.rbac.authorization.k8s.io \"secrets\" is forbidden: user \"{user}\" (groups=[\"system:serviceaccounts\" \"system:serviceaccounts:{ns}\" \"system:authenticated\"]) "
            + "is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"\"], Resources:[\"configmaps\"], Verbs:[\"delete\"]}\n"
            + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"delete\"]}"));

        var subset = await SendAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
            """{"metadata":{"name":"cm-reader"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}]}""", token);
        Assert.That(subset.Code, Is.EqualTo(HttpStatusCode.Created), subset.Body.ToJsonString());

        var bindAdmin = await SendAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
            """{"metadata":{"name":"grab"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"admin"},"subjects":[{"kind":"ServiceAccount","name":"default"}]}""", token);
        Assert.That(bindAdmin.Code, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(bindAdmin.Body["message"]!.GetValue<string>(), Does.StartWith(
            $"rolebindings.rbac.authorization.k8s.io \"grab\" is forbidden: user \"{user}\" (groups="));

        var bindHeld = await SendAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
            """{"metadata":{"name":"reader"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"cm-reader"},"subjects":[{"kind":"User","name":"jane"}]}""", token);
        Assert.That(bindHeld.Code, Is.EqualTo(HttpStatusCode.Created), bindHeld.Body.ToJsonString());

        // escalate and bind lift the checks.
        await OkAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
            """{"metadata":{"name":"powers"},"rules":[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles"],"verbs":["escalate"]},{"apiGroups":["rbac.authorization.k8s.io"],"resources":["clusterroles"],"verbs":["bind"],"resourceNames":["admin"]}]}""");
        await OkAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
            """{"metadata":{"name":"powers"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"powers"},"subjects":[{"kind":"ServiceAccount","name":"default"}]}""");
        await EventuallyAsync(async () => (await SendAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
            """{"metadata":{"name":"secrets"},"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]}""", token)).Code == HttpStatusCode.Created);
        Assert.That((await SendAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
            """{"metadata":{"name":"grab"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"admin"},"subjects":[{"kind":"ServiceAccount","name":"default"}]}""", token)).Code,
            Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Self_reviews_answer_from_policy()
    {
        var ns = await NamespaceAsync();
        var token = await TokenAsync(ns, "default");
        var review = "{\"spec\":{\"resourceAttributes\":{\"namespace\":\"" + ns + "\",\"verb\":\"list\",\"resource\":\"pods\"}}}";
        var denied = await SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, token);
        Assert.That(denied.Code, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(denied.Body["status"]!["allowed"]!.GetValue<bool>(), Is.False);

        await OkAsync("POST", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
            """{"metadata":{"name":"v"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"ServiceAccount","name":"default"}]}""");
        await EventuallyAsync(async () => (await SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, token)).Body["status"]!["allowed"]!.GetValue<bool>());
        var allowed = await SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, token);
        Assert.That(allowed.Body["status"]!["reason"]!.GetValue<string>(),
            Is.EqualTo($"RBAC: allowed by RoleBinding \"v/{ns}\" of ClusterRole \"view\" to ServiceAccount \"default/{ns}\""));

        var masters = await OkAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", """{"spec":{"nonResourceAttributes":{"verb":"delete","path":"/anything"}}}""");
        Assert.That(masters["status"]!["allowed"]!.GetValue<bool>(), Is.True);
        var invalid = await SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", """{"spec":{}}""");
        Assert.That(invalid.Code, Is.EqualTo(HttpStatusCode.UnprocessableEntity));

        var rules = await SendAsync("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", $$$"""{"spec":{"namespace":"{{{ns}}}"}}""", token);
        Assert.That(rules.Code, Is.EqualTo(HttpStatusCode.Created));
        var status = rules.Body["status"]!.ToJsonString();
        Assert.That(status, Does.Contain("\"selfsubjectaccessreviews\"").And.Contain("\"/apis/*\"").And.Contain("\"pods/log\""));

        var whoami = await SendAsync("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", """{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""", token);
        Assert.That(whoami.Code, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(whoami.Body["status"]!["userInfo"]!["username"]!.GetValue<string>(), Is.EqualTo($"system:serviceaccount:{ns}:default"));
    }

    [Test]
    public async Task Token_request_needs_the_service_account_and_the_token_authenticates()
    {
        var ns = await NamespaceAsync();
        var missing = await SendAsync("POST", $"/api/v1/namespaces/{ns}/serviceaccounts/ghost/token", """{"spec":{}}""");
        Assert.That(missing.Code, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missing.Body["message"]!.GetValue<string>(), Is.EqualTo("serviceaccounts \"ghost\" not found"));
        var token = await TokenAsync(ns, "default");
        var whoami = await SendAsync("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}", token);
        Assert.That(whoami.Body["status"]!["userInfo"]!["groups"]!.ToJsonString(), Does.Contain($"system:serviceaccounts:{ns}"));
    }

    [Test]
    public async Task Token_review_tells_who_a_token_is_and_refuses_a_bad_one_without_storing_anything()
    {
        var ns = await NamespaceAsync();
        var token = await TokenAsync(ns, "default");
        for (var i = 0; i < 2; i++)
        {
            // Twice: a review is answered, never stored, so a second one with the same (empty) name is no conflict.
            var good = await SendAsync("POST", "/apis/authentication.k8s.io/v1/tokenreviews", $$$"""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"{{{token}}}"}}""");
            Assert.That(good.Code, Is.EqualTo(HttpStatusCode.Created), good.Body.ToJsonString());
            Assert.That(good.Body["status"]!["authenticated"]!.GetValue<bool>(), Is.True);
            Assert.That(good.Body["status"]!["user"]!["username"]!.GetValue<string>(), Is.EqualTo($"system:serviceaccount:{ns}:default"));
        }

        var bad = await SendAsync("POST", "/apis/authentication.k8s.io/v1/tokenreviews", """{"spec":{"token":"not-a-token"}}""");
        Assert.That(bad.Code, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(bad.Body["status"]!["authenticated"]?.GetValue<bool>() ?? false, Is.False);
        Assert.That(bad.Body["status"]!["error"]!.GetValue<string>(), Does.Contain("invalid bearer token"));

        var empty = await SendAsync("POST", "/apis/authentication.k8s.io/v1/tokenreviews", """{"spec":{}}""");
        Assert.That(empty.Code, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(empty.Body["message"]!.GetValue<string>(), Does.Contain("spec.token: Required value"));
    }

    private async Task<string> NamespaceAsync()
    {
        var name = $"rbac{Interlocked.Increment(ref _counter)}";
        await OkAsync("POST", "/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{name}}}"}}""");
        return name;
    }

    private async Task<string> TokenAsync(string ns, string account)
    {
        await EventuallyAsync(async () => (await SendAsync("GET", $"/api/v1/namespaces/{ns}/serviceaccounts/{account}")).Code == HttpStatusCode.OK);
        var response = await OkAsync("POST", $"/api/v1/namespaces/{ns}/serviceaccounts/{account}/token", """{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}""");
        Assert.That(response["kind"]!.GetValue<string>(), Is.EqualTo("TokenRequest"));
        return response["status"]!["token"]!.GetValue<string>();
    }

    private async Task<JsonNode> OkAsync(string method, string path, string? body = null)
    {
        var (code, json) = await SendAsync(method, path, body);
        Assert.That((int)code, Is.InRange(200, 299), $"{method} {path}: {json.ToJsonString()}");
        return json;
    }

    private async Task<(HttpStatusCode Code, JsonNode Body)> SendAsync(string method, string path, string? body = null, string? token = null)
    {
        using var client = token is null ? null : _agent.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await (client ?? _http).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text)! : new JsonObject { ["text"] = text });
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "condition never held");
            await Task.Delay(50);
        }
    }
}
