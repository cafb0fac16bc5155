using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using k8s;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Node.Testing;

/// <summary>
/// The real agent, in-process, on a free 127.0.0.1 port with its own data and cert folders: the embedded store and
/// the API server (Kestrel, authentication, RBAC, admission), plus only the components the test asks for. Clients
/// for every component identity come through the same <see cref="IKubeClientFactory"/> the agent's components use,
/// so a test exercises the real certificates, RBAC and managedFields.
/// </summary>
/// <example>
/// <code>
/// await using var agent = await TestAgent.StartAsync();                   // store + API server only
/// var pods = agent.Admin.CoreV1.ListNamespacedPod("default");
/// await using var informers = agent.CreateInformerFactory();              // as the controller manager
/// var context = agent.CreateControllerContext("replicaset-controller");   // as kube-system/replicaset-controller
/// </code>
/// </example>
public sealed class TestAgent : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly bool _ownsDir;
    private readonly List<IAsyncDisposable> _owned = [];
    private CancellationTokenSource _stop = new();
    private IHost _host;

    private TestAgent(TempDirectory dir, bool ownsDir, NodeTestPki pki, NodeAgentOptions options, TestAgentOptions testOptions, IHost host)
    {
        _dir = dir;
        _ownsDir = ownsDir;
        Pki = pki;
        Options = options;
        TestOptions = testOptions;
        _host = host;
        Run = NodeAgentHost.RunAsync(host, _stop.Token);
        Clients = new KubeClientFactory(new ApiServerEndpoint(BaseAddress, options.CertDir), TimeProvider.System);
        Admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(dir.Combine("admin.kubeconfig"), BaseAddress)));
    }

    /// <summary>The PKI the agent trusts.</summary>
    public NodeTestPki Pki { get; }

    /// <summary>The agent's flags.</summary>
    public NodeAgentOptions Options { get; }

    /// <summary>How it was started.</summary>
    public TestAgentOptions TestOptions { get; }

    /// <summary>The running host (its services: <c>Host.Services</c>).</summary>
    public IHost Host => _host;

    /// <summary>Completes with the exit code when the agent stops.</summary>
    public Task<int> Run { get; private set; }

    /// <summary>The API server's URL.</summary>
    public Uri BaseAddress => new($"https://127.0.0.1:{Options.SecurePort}");

    /// <summary>The component clients, exactly as the agent makes them.</summary>
    public IKubeClientFactory Clients { get; }

    /// <summary>The admin (<c>system:masters</c>), as kubectl would be.</summary>
    public Kubernetes Admin { get; }

    /// <summary>The kubelet of <see cref="TestAgentOptions.NodeName"/>: <c>system:node:&lt;node&gt;</c>.</summary>
    public Kubernetes Kubelet => Clients.ClientFor(ComponentIdentity.Kubelet(Options.NodeName));

    /// <summary>The scheduler: <c>system:kube-scheduler</c>.</summary>
    public Kubernetes Scheduler => Clients.ClientFor(ComponentIdentity.Scheduler);

    /// <summary>The controller manager: <c>system:kube-controller-manager</c>.</summary>
    public Kubernetes ControllerManager => Clients.ClientFor(ComponentIdentity.ControllerManager);

    /// <summary>The proxy: <c>system:kube-proxy</c>.</summary>
    public Kubernetes Proxy => Clients.ClientFor(ComponentIdentity.Proxy);

    /// <summary>The agent's readiness gates.</summary>
    public IComponentReadiness Readiness => _host.Services.GetRequiredService<IComponentReadiness>();

    /// <summary>Starts an agent; see <see cref="TestAgentOptions"/>.</summary>
    public static async Task<TestAgent> StartAsync(TestAgentOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TestAgentOptions();
        var dir = new TempDirectory("lk-node-test");
        var pki = new NodeTestPki();
        try
        {
            pki.WriteCertDir(dir.Combine("certs"), options.NodeName, options.MissingCertificates);
            var agentOptions = new NodeAgentOptions
            {
                DataDir = dir.Combine("data"),
                CertDir = dir.Combine("certs"),
                BindAddress = "127.0.0.1",
                SecurePort = FreePort(),
                NodeName = options.NodeName,
                ContainerRuntime = options.ContainerRuntime,
            };
            var disabled = DisabledComponents.Switchable.Where(c => !options.Components.Contains(c)).Select(c => c.Name).ToList();
            if (disabled.Count > 0)
            {
                agentOptions.ExtraConfig.Add($"agent.disable={string.Join(',', disabled)}");
            }

            foreach (var entry in options.ExtraConfig)
            {
                agentOptions.ExtraConfig.Add(entry);
            }

            var agent = new TestAgent(dir, ownsDir: true, pki, agentOptions, options, Build(agentOptions, options));
            if (options.WaitReady)
            {
                await agent.WaitReadyAsync(cancellationToken);
            }

            return agent;
        }
        catch
        {
            pki.Dispose();
            dir.Dispose();
            throw;
        }
    }

    /// <summary>A free 127.0.0.1 port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A new client of <paramref name="identity"/> (not shared), with <paramref name="handlers"/> in its HTTP
    /// pipeline: e.g. a fault injector that drops watches. Disposed with the agent.
    /// </summary>
    public Kubernetes CreateClient(ComponentIdentity identity, params DelegatingHandler[] handlers)
    {
        var credentials = ComponentCredentials.Load(Options.CertDir, identity, TimeProvider.System);
        var client = new Kubernetes(KubeClientFactory.Configuration(new ApiServerEndpoint(BaseAddress, Options.CertDir), credentials), handlers);
        _owned.Add(new DisposeAction(client.Dispose));
        return client;
    }

    /// <summary>
    /// A new informer factory listing and watching as <paramref name="identity"/> (the controller manager, which may
    /// list and watch everything, by default). Disposed with the agent.
    /// </summary>
    public SharedInformerFactory CreateInformerFactory(ComponentIdentity? identity = null, ILoggerFactory? loggerFactory = null)
    {
        var factory = new SharedInformerFactory(Clients.ClientFor(identity ?? ComponentIdentity.ControllerManager), loggerFactory ?? NullLoggerFactory.Instance, TimeProvider.System);
        _owned.Add(factory);
        return factory;
    }

    /// <summary>
    /// The context of controller <paramref name="name"/> as the agent's controller manager makes it: acting as the
    /// service account <c>kube-system/&lt;name&gt;</c>, reading from <paramref name="informers"/> (a new factory when
    /// null), recording events as <paramref name="name"/>.
    /// </summary>
    public ControllerContext CreateControllerContext(string name, SharedInformerFactory? informers = null, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        var tokens = new ServiceAccountTokenProvider(ControllerManager, ControllerContextFactory.ServiceAccountNamespace, name, time);
        var client = Clients.ClientForTokens(ComponentIdentity.ControllerManager.Name, tokens, tokens.UserName);
        var broadcaster = new EventBroadcaster(client, loggerFactory, time, Options.NodeName) { Correlation = EventCorrelation.Legacy };
        broadcaster.Start();
        _owned.Add(broadcaster);
        return new ControllerContext(name, client, informers ?? CreateInformerFactory(loggerFactory: loggerFactory), broadcaster.NewRecorder(name), loggerFactory, time);
    }

    /// <summary>An HttpClient trusting only the test CA, presenting <paramref name="clientCertificate"/> (none by default).</summary>
    public HttpClient CreateHttpClient(X509Certificate2? clientCertificate = null)
    {
        var ca = Pki.Ca;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
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
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The body of <c>/readyz?verbose</c> (whatever its status).</summary>
    public async Task<string> ReadyzVerboseAsync(CancellationToken cancellationToken)
    {
        using var http = CreateHttpClient();
        using var response = await http.GetAsync(new Uri("/readyz?verbose", UriKind.Relative), cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200 (60 s at most); fails at once if the agent exits.</summary>
    public async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = CreateHttpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (Run.IsCompleted)
            {
                throw new InvalidOperationException($"the agent exited with {await Run} before it was ready");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>
    /// Stops the agent (as SIGTERM would) and starts it again on the same port and data: the API server goes away
    /// under running clients and comes back with the same history. <paramref name="downtime"/> passes in between.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime = default, CancellationToken cancellationToken = default)
    {
        await StopAsync();
        _host.Dispose();
        _stop.Dispose();
        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime, cancellationToken);
        }

        _stop = new CancellationTokenSource();
        _host = Build(Options, TestOptions);
        Run = NodeAgentHost.RunAsync(_host, _stop.Token);
        await WaitReadyAsync(cancellationToken);
    }

    /// <summary>Stops the agent and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Run;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

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
            _host.Dispose();
            _stop.Dispose();
            Admin.Dispose();
            ((IDisposable)Clients).Dispose();
            Pki.Dispose();
            if (_ownsDir)
            {
                _dir.Dispose();
            }
        }
    }

    private sealed class DisposeAction(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static IHost Build(NodeAgentOptions options, TestAgentOptions testOptions)
    {
        var builder = NodeAgentHost.CreateBuilder(options, console: false);
        testOptions.ConfigureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
