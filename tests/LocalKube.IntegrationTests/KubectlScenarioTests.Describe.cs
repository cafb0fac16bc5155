using System.Globalization;

namespace LocalKube.IntegrationTests;

/// <summary><c>kubectl describe</c> of the kinds users look at first, with Events rows from Event objects.</summary>
public sealed partial class KubectlScenarioTests
{
    [Test]
    public async Task DescribePodAndDeployment_ShowTheirEvents()
    {
        var created = await CreateAsync("desc.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: desc-pod
              labels: {app: desc}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports: [{containerPort: 80}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: desc-deploy
            spec:
              replicas: 2
              selector: {matchLabels: {app: desc}}
              template:
                metadata: {labels: {app: desc}}
                spec:
                  containers: [{name: web, image: nginx:1.27}]
            """);
        Assert.That(created, Does.Contain("pod/desc-pod created").And.Contain("deployment.apps/desc-deploy created"));

        // describe finds events by the object's uid, as recorders set it.
        await CreateEventAsync("v1", "Pod", "desc-pod", "Scheduled", $"Successfully assigned default/desc-pod to {_profile}", "default-scheduler");
        await CreateEventAsync("apps/v1", "Deployment", "desc-deploy", "ScalingReplicaSet", "Scaled up replica set desc-deploy-5d8f to 2", "deployment-controller");

        var pod = (await _env.KubectlAsync("describe", "pod", "desc-pod")).StandardOutput;
        Assert.That(pod, Does.Match(@"(?m)^Name:\s+desc-pod$"));
        Assert.That(pod, Does.Match(@"(?m)^Namespace:\s+default$"));
        Assert.That(pod, Does.Match(@"(?m)^Labels:\s+app=desc$"));
        Assert.That(pod, Does.Match(@"(?m)^Status:\s+(Pending|Running)$"), "the scheduler and the (simulated) kubelet may have started it");
        Assert.That(pod, Does.Match(@"(?m)^\s+Image:\s+nginx:1\.27$"));
        Assert.That(pod, Does.Match(@"(?m)^\s+Port:\s+80/TCP$"));
        Assert.That(pod, Does.Match(@"(?m)^QoS Class:\s+BestEffort$"));
        Assert.That(pod, Does.Match(@"(?m)^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n"));
        Assert.That(pod, Does.Match($@"(?m)^\s+Normal\s+Scheduled\s+\d+s\s+default-scheduler\s+Successfully assigned default/desc-pod to {_profile}$"));

        var deploy = (await _env.KubectlAsync("describe", "deployment", "desc-deploy")).StandardOutput;
        Assert.That(deploy, Does.Match(@"(?m)^Selector:\s+app=desc$"));
        Assert.That(deploy, Does.Match(@"(?m)^Replicas:\s+2 desired \| \d updated \| \d total \| \d available \| \d unavailable$"), "the controllers roll it out meanwhile");
        Assert.That(deploy, Does.Match(@"(?m)^StrategyType:\s+RollingUpdate$"));
        Assert.That(deploy, Does.Match(@"(?m)^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$"));
        Assert.That(deploy, Does.Match(@"(?m)^\s+Normal\s+ScalingReplicaSet\s+\d+s\s+deployment-controller\s+Scaled up replica set desc-deploy-5d8f to 2$"));
    }

    [Test]
    public async Task DescribeServiceAndNamespace()
    {
        var created = await CreateAsync("desc-svc.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: desc-ns
              labels: {team: a}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: desc-svc
              namespace: desc-ns
            spec:
              selector: {app: desc}
              ports:
              - {name: http, port: 80, targetPort: 8080}
            """);
        Assert.That(created, Does.Contain("namespace/desc-ns created").And.Contain("service/desc-svc created"));

        var svc = (await _env.KubectlAsync("describe", "svc", "desc-svc", "-n", "desc-ns")).StandardOutput;
        Assert.That(svc, Does.Match(@"(?m)^Name:\s+desc-svc$"));
        Assert.That(svc, Does.Match(@"(?m)^Namespace:\s+desc-ns$"));
        Assert.That(svc, Does.Match(@"(?m)^Selector:\s+app=desc$"));
        Assert.That(svc, Does.Match(@"(?m)^Type:\s+ClusterIP$"));
        Assert.That(svc, Does.Match(@"(?m)^IP Families:\s+IPv4$"));
        Assert.That(svc, Does.Match(@"(?m)^IP:\s+10\.\d+\.\d+\.\d+$"));
        Assert.That(svc, Does.Match(@"(?m)^Port:\s+http\s+80/TCP$"));
        Assert.That(svc, Does.Match(@"(?m)^TargetPort:\s+8080/TCP$"));
        Assert.That(svc, Does.Match(@"(?m)^Session Affinity:\s+None$"));
        Assert.That(svc, Does.Match(@"(?m)^Events:\s+<none>$"));

        // The API server's own Service: kubectl reads its endpoints from the EndpointSlice the agent keeps.
        var kubernetes = (await _env.KubectlAsync("describe", "svc", "kubernetes")).StandardOutput;
        Assert.That(kubernetes, Does.Match(@"(?m)^IP:\s+10\.96\.0\.1$"));
        Assert.That(kubernetes, Does.Match(@"(?m)^Port:\s+https\s+443/TCP$"));
        Assert.That(kubernetes, Does.Match(@"(?m)^Endpoints:\s+\d+\.\d+\.\d+\.\d+:\d+$"));

        var ns = (await _env.KubectlAsync("describe", "namespace", "desc-ns")).StandardOutput;
        Assert.That(ns, Does.Match(@"(?m)^Name:\s+desc-ns$"));
        Assert.That(ns, Does.Match(@"(?m)^Labels:\s+kubernetes\.io/metadata\.name=desc-ns$"));
        Assert.That(ns, Does.Match(@"(?m)^\s+team=a$"));
        Assert.That(ns, Does.Match(@"(?m)^Status:\s+Active$"));
        Assert.That(ns, Does.Contain("No resource quota.").And.Contain("No LimitRange resource."));
    }

    [Test]
    public async Task TheNodeIsRegistered_AndDescribed()
    {
        var nodes = (await _env.KubectlAsync("get", "nodes", "-o", "wide")).StandardOutput;
        Assert.That(nodes, Does.Match($@"(?m)^{_profile}\s+Ready\s+control-plane\s+\S+\s+v1\.32\.\d+\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+\S"));

        var node = (await _env.KubectlAsync("describe", "node", _profile)).StandardOutput;
        Assert.That(node, Does.Match($@"(?m)^Name:\s+{_profile}$"));
        Assert.That(node, Does.Match(@"(?m)^Roles:\s+control-plane$"));
        Assert.That(node, Does.Match($@"(?m)^\s+kubernetes\.io/hostname={_profile}$"));
        Assert.That(node, Does.Match(@"(?m)^\s+kubernetes\.io/os=linux$"));
        Assert.That(node, Does.Match(@"(?m)^\s+node-role\.kubernetes\.io/control-plane=$"));
        Assert.That(node, Does.Match($@"(?m)^\s+HolderIdentity:\s+{_profile}$"));
        Assert.That(node, Does.Match(@"(?m)^\s+Ready\s+True\s+.+\s+KubeletReady\s+kubelet is posting ready status$"));
        Assert.That(node, Does.Match(@"(?m)^\s+InternalIP:\s+\d+\.\d+\.\d+\.\d+$"));
        Assert.That(node, Does.Match($@"(?m)^Capacity:\n\s+cpu:\s+{Environment.ProcessorCount}\n"));
        Assert.That(node, Does.Match(@"(?m)^\s+memory:\s+\d+Ki$"));
        Assert.That(node, Does.Match(@"(?m)^\s+pods:\s+110$"));
        Assert.That(node, Does.Match(@"(?m)^\s+Operating System:\s+linux$"));
        Assert.That(node, Does.Match(@"(?m)^\s+Kubelet Version:\s+v1\.32\.\d+$"));
        Assert.That(node, Does.Match(@"(?m)^Non-terminated Pods:\s+\(\d+ in total\)$"));
        Assert.That(node, Does.Match(@"(?m)^Events:\s+<none>$"));
    }

    /// <summary>Records an Event about an object of the default namespace, as a controller's recorder would.</summary>
    private async Task CreateEventAsync(string apiVersion, string kind, string name, string reason, string message, string component)
    {
        var uid = (await _env.KubectlAsync("get", kind, name, "-o", "jsonpath={.metadata.uid}")).StandardOutput;
        Assert.That(uid, Is.Not.Empty);
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var created = await CreateAsync($"{name}-event.json", $$"""
            {"apiVersion": "v1", "kind": "Event",
             "metadata": {"name": "{{name}}.{{reason.ToLowerInvariant()}}", "namespace": "default"},
             "involvedObject": {"apiVersion": "{{apiVersion}}", "kind": "{{kind}}", "name": "{{name}}", "namespace": "default", "uid": "{{uid}}"},
             "reason": "{{reason}}", "message": "{{message}}", "type": "Normal", "source": {"component": "{{component}}"},
             "firstTimestamp": "{{now}}", "lastTimestamp": "{{now}}", "count": 1}
            """);
        Assert.That(created, Does.Contain($"event/{name}.{reason.ToLowerInvariant()} created"));
    }
}
