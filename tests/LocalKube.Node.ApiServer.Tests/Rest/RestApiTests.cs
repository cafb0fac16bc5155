using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>Which store the agent under test uses.</summary>
public enum Backend
{
    /// <summary>The embedded store under the data folder.</summary>
    Embedded,

    /// <summary>A real etcd 3.4 through <c>--etcd-servers</c>.</summary>
    Etcd,
}

/// <summary>
/// The REST machinery end to end: the real agent in-process (Kestrel on a free 127.0.0.1 port) driven by the real
/// KubernetesClient, once over the embedded store and once over a real etcd. Each test works in its own namespace.
/// Split across files by concern (CRUD, watch, lists, deletion, tables, errors, namespaces, services).
/// </summary>
[TestFixture(Backend.Embedded)]
[TestFixture(Backend.Etcd)]
[Parallelizable(ParallelScope.None)]
public sealed partial class RestApiTests(Backend backend)
{
    private static int _counter;
    private TestPki _pki = null!;
    private TempDirectory _temp = null!;
    private EtcdServer? _etcd;
    private RunningAgent _agent = null!;
    private Kubernetes _client = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pki = new TestPki();
        _temp = new TempDirectory("lk-rest");
        if (backend == Backend.Etcd)
        {
            _etcd = await EtcdServer.StartAsync(CancellationToken.None);
        }

        _agent = await RunningAgent.StartAsync(_pki, etcdServers: _etcd is null ? null : [_etcd.Url]);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_pki.WriteKubeconfig(_temp.Combine("kubeconfig"), _agent.Port));
        _client = new Kubernetes(config);
        _http = _agent.CreateClient(_pki.Admin);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client?.Dispose();
        _http?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }

        _pki.Dispose();
        _temp.Dispose();
    }

    /// <summary>A fresh namespace for one test.</summary>
    private async Task<string> NamespaceAsync()
    {
        var name = $"t{Interlocked.Increment(ref _counter)}-{backend.ToString().ToLowerInvariant()}";
        await _client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    private static V1ConfigMap ConfigMap(string name, IDictionary<string, string>? labels = null, string value = "v") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = new Dictionary<string, string> { ["k"] = value },
    };

    /// <summary>Raw HTTP with the admin certificate: status code, body and content type.</summary>
    private async Task<(int Code, string Body, string? ContentType)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>The Status of a failed KubernetesClient call.</summary>
    private static async Task<JsonElement> FailureAsync(Func<Task> call)
    {
        var e = Assert.ThrowsAsync<HttpOperationException>(async () => await call());
        using var doc = JsonDocument.Parse(e!.Response.Content);
        await Task.CompletedTask;
        return doc.RootElement.Clone();
    }
}
