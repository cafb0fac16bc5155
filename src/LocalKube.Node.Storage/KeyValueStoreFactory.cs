using LocalKube.Node.Storage.Client;

namespace LocalKube.Node.Storage;

/// <summary>
/// Picks the store the API server uses: a real etcd cluster when <c>--etcd-servers</c> is given, otherwise the
/// embedded store in <see cref="StoreOptions.DataDirectory"/>.
/// </summary>
public static class KeyValueStoreFactory
{
    /// <param name="etcdServers">The <c>--etcd-servers</c> value: comma-separated <c>http://HOST:PORT</c>; null or empty for embedded.</param>
    /// <param name="embedded">Settings of the embedded store, used when no etcd server is given.</param>
    /// <param name="cancellationToken">Cancels opening the embedded store.</param>
    public static async Task<IKeyValueStore> CreateAsync(string? etcdServers, StoreOptions embedded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        if (string.IsNullOrWhiteSpace(etcdServers))
        {
            return await EmbeddedKeyValueStore.OpenAsync(embedded, cancellationToken).ConfigureAwait(false);
        }

        return EtcdClientKeyValueStore.Connect(ParseServers(etcdServers));
    }

    /// <summary>Parses <c>--etcd-servers</c>; only plain http endpoints (TLS to etcd is not supported yet).</summary>
    public static IReadOnlyList<Uri> ParseServers(string etcdServers)
    {
        ArgumentNullException.ThrowIfNull(etcdServers);
        var result = new List<Uri>();
        foreach (var text in etcdServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.Port <= 0)
            {
                throw new ArgumentException($"--etcd-servers: '{text}' is not an http://HOST:PORT URL");
            }

            result.Add(uri);
        }

        return result.Count > 0 ? result : throw new ArgumentException("--etcd-servers: no URL given");
    }
}
