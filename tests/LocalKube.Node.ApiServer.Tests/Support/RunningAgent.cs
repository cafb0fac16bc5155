using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using LocalKube.Node.Hosting;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>The real agent host, in-process, on a free 127.0.0.1 port, with its own data and cert folders.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private RunningAgent(TempDirectory dir, NodeAgentOptions options, IHost host, TestPki pki)
    {
        Dir = dir;
        Options = options;
        Host = host;
        Pki = pki;

        // Resolved up front: RunAsync disposes the host (and its container) when it stops.
        Readiness = host.Services.GetRequiredService<IComponentReadiness>();
        ExitStatus = host.Services.GetRequiredService<NodeExitStatus>();
        Run = NodeAgentHost.RunAsync(host, _stop.Token);
    }

    public TempDirectory Dir { get; }

    public NodeAgentOptions Options { get; }

    public IHost Host { get; }

    public TestPki Pki { get; }

    public IComponentReadiness Readiness { get; }

    public NodeExitStatus ExitStatus { get; }

    /// <summary>Completes with the exit code when the agent stops.</summary>
    public Task<int> Run { get; }

    public int Port => Options.SecurePort;

    /// <summary>Extra config for an agent with the API server alone (no node components).</summary>
    public const string ApiServerOnly = "agent.disable=scheduler,controllers,container-runtime,kubelet,proxy,dns";

    /// <summary>Leave the data folder behind on dispose (restart tests reuse it).</summary>
    public bool KeepData { get; set; }

    public Uri BaseAddress => new($"https://127.0.0.1:{Port}");

    public static async Task<RunningAgent> StartAsync(
        TestPki pki, Action<IServiceCollection>? configure = null, bool waitReady = true, CancellationToken cancellationToken = default,
        IEnumerable<string>? etcdServers = null, TempDirectory? dataDir = null, IEnumerable<string>? extraConfig = null)
    {
        var dir = dataDir ?? new TempDirectory("lk-agent");
        pki.WriteCertDir(dir.Combine("certs"));
        var options = new NodeAgentOptions
        {
            DataDir = dir.Combine("data"),
            CertDir = dir.Combine("certs"),
            BindAddress = "127.0.0.1",
            SecurePort = FreePort(),
            NodeName = "test-node",

            // API server tests need no engine: the simulated runtime keeps the host's Docker out of them.
            ContainerRuntime = "simulated",
        };
        foreach (var server in etcdServers ?? [])
        {
            options.EtcdServers.Add(server);
        }

        // API tests assert what clients wrote: no scheduler binding their pods, no kube-root-ca.crt in their
        // namespaces, no Deployment or PodDisruptionBudget status writes. A test's own agent.disable (the last one wins) replaces this.
        options.ExtraConfig.Add("agent.disable=scheduler");
        options.ExtraConfig.Add("controllers.controllers=*,-root-ca-cert-publisher,-deployment-controller,-disruption-controller");
        foreach (var entry in extraConfig ?? [])
        {
            options.ExtraConfig.Add(entry);
        }

        var builder = NodeAgentHost.CreateBuilder(options, console: false);
        configure?.Invoke(builder.Services);
        var agent = new RunningAgent(dir, options, builder.Build(), pki);
        if (waitReady)
        {
            await agent.WaitReadyAsync(cancellationToken);
        }

        return agent;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An HttpClient trusting only the test CA, presenting <paramref name="clientCertificate"/> if given.</summary>
    public HttpClient CreateClient(X509Certificate2? clientCertificate = null) => CreateClient(BaseAddress, Pki.Ca, clientCertificate);

    public static HttpClient CreateClient(Uri baseAddress, X509Certificate2 ca, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task WaitReadyAsync(CancellationToken cancellationToken) => WaitReadyAsync(BaseAddress, Pki.Ca, Run, cancellationToken);

    /// <summary>Polls <c>/readyz</c> until it answers <c>ok</c>; fails early if <paramref name="exited"/> completes.</summary>
    public static async Task WaitReadyAsync(Uri baseAddress, X509Certificate2 ca, Task exited, CancellationToken cancellationToken)
    {
        using var client = CreateClient(baseAddress, ca);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var last = "";
        while (true)
        {
            if (exited.IsCompleted)
            {
                throw new InvalidOperationException("the agent exited before it was ready");
            }

            if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the agent was not ready within 60 s; /readyz said:\n{last}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = await response.Content.ReadAsStringAsync(timeout.Token);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Reported at the top of the loop.
            }
        }
    }

    /// <summary>Stops the agent as SIGTERM would and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Run;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            await _stop.CancelAsync();
        }

        try
        {
            await Run;
        }
        finally
        {
            Host.Dispose();
            _stop.Dispose();
            if (!KeepData)
            {
                Dir.Dispose();
            }
        }
    }
}
