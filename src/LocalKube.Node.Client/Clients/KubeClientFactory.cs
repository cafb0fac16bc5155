using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Authentication;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Machinery;

namespace LocalKube.Node.Client.Clients;

/// <summary><see cref="IKubeClientFactory"/> over the agent's cert folder.</summary>
public sealed class KubeClientFactory(ApiServerEndpoint endpoint, TimeProvider time) : IKubeClientFactory, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Kubernetes>> _clients = new(StringComparer.Ordinal);
    private readonly List<Kubernetes> _tokenClients = [];

    /// <inheritdoc />
    public ApiServerEndpoint Endpoint => endpoint;

    /// <summary>The User-Agent of a component: <c>name/v1.32.4 (linux/amd64) localkube[/comment]</c>, as client-go builds it.</summary>
    public static string UserAgent(string product, string? comment = null)
    {
        var arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            _ => "amd64",
        };
        var agent = $"{product}/{KubeVersion.GitVersion} (linux/{arch}) localkube";
        return comment is null ? agent : $"{agent}/{comment}";
    }

    /// <inheritdoc />
    public Kubernetes ClientFor(ComponentIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);

        // Checked on every call (cheap file reads), so an expired or replaced certificate refuses the next component
        // that asks instead of being served from the cache.
        var credentials = ComponentCredentials.Load(endpoint.CertDir, identity, time);
        var key = $"{identity.Name}|{identity.UserName}|{credentials.CertificatePem.GetHashCode(StringComparison.Ordinal)}";
        return _clients.GetOrAdd(key, _ => new Lazy<Kubernetes>(() => new Kubernetes(Configuration(endpoint, credentials)))).Value;
    }

    /// <summary>
    /// The KubernetesClient configuration of <paramref name="credentials"/> at <paramref name="endpoint"/> (for a
    /// client of one's own, e.g. with extra message handlers): CA pinned, client certificate, User-Agent.
    /// </summary>
    public static KubernetesClientConfiguration Configuration(ApiServerEndpoint endpoint, ComponentCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credentials);
        return new KubernetesClientConfiguration
        {
            Host = endpoint.Server.ToString(),
            SslCaCerts = CaCollection(credentials.CaPem),
            ClientCertificateData = Base64(credentials.CertificatePem),
            ClientCertificateKeyData = Base64(credentials.KeyPem),
            UserAgent = UserAgent(credentials.Identity.Name),
        };
    }

    /// <inheritdoc />
    public Kubernetes ClientForTokens(string userAgent, ITokenProvider tokens, string? userAgentComment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userAgent);
        ArgumentNullException.ThrowIfNull(tokens);
        string caPem;
        try
        {
            caPem = File.ReadAllText(Path.Combine(endpoint.CertDir, ApiServerEndpoint.CaFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ComponentCredentialsException($"{Path.Combine(endpoint.CertDir, ApiServerEndpoint.CaFile)} cannot be read: {e.Message}", e);
        }

        var client = new Kubernetes(new KubernetesClientConfiguration
        {
            Host = endpoint.Server.ToString(),
            SslCaCerts = CaCollection(caPem),
            TokenProvider = tokens,
            UserAgent = UserAgent(userAgent, userAgentComment),
        });
        lock (_tokenClients)
        {
            _tokenClients.Add(client);
        }

        return client;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(l => l.IsValueCreated))
        {
            client.Value.Dispose();
        }

        lock (_tokenClients)
        {
            foreach (var client in _tokenClients)
            {
                client.Dispose();
            }

            _tokenClients.Clear();
        }
    }

    private static X509Certificate2Collection CaCollection(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
}
