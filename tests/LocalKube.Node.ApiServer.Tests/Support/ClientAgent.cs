using k8s;
using LocalKube.Testing;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>
/// The in-process agent with an admin KubernetesClient and an admin HttpClient, for fixtures that drive the API
/// over HTTP. Started once per fixture; disposing stops the agent and removes its files.
/// </summary>
internal sealed class ClientAgent : IAsyncDisposable
{
    private ClientAgent(TestPki pki, TempDirectory dir, RunningAgent agent)
    {
        Pki = pki;
        Dir = dir;
        Agent = agent;
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(dir.Combine("kubeconfig"), agent.Port)));
        Http = agent.CreateClient(pki.Admin);
    }

    public TestPki Pki { get; }

    public TempDirectory Dir { get; }

    public RunningAgent Agent { get; }

    /// <summary>KubernetesClient as the admin (system:masters).</summary>
    public Kubernetes Client { get; }

    /// <summary>Raw HTTPS as the admin.</summary>
    public HttpClient Http { get; }

    public static async Task<ClientAgent> StartAsync(string dirPrefix)
    {
        var pki = new TestPki();
        var dir = new TempDirectory(dirPrefix);
        try
        {
            return new ClientAgent(pki, dir, await RunningAgent.StartAsync(pki));
        }
        catch
        {
            pki.Dispose();
            dir.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Agent.DisposeAsync();
        Pki.Dispose();
        Dir.Dispose();
    }
}
