using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LocalKube.Dashboard.Upstream;

/// <summary>
/// Reads one context of a kubeconfig when it uses only what localkube writes and most local setups use: a server,
/// CA data or file, and a client certificate or a token. Anything else (exec plugins, auth providers) is left to
/// KubernetesClient, whose loader touches far more code and memory than a dashboard that sits open all day should.
/// </summary>
internal static class SimpleKubeconfig
{
    /// <summary>The outcome: the context is missing, or read, or needs the full loader (neither set).</summary>
    internal readonly record struct Result(bool Missing, UpstreamEndpoint? Endpoint);

    public static Result Read(string text, string context, string baseDirectory)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                return new Result(true, null);
            }

            root = mapping;
        }
        catch (YamlException)
        {
            return new Result(false, null);
        }

        var ctx = Find(root, "contexts", context, "context");
        if (ctx is null)
        {
            return new Result(true, null);
        }

        var cluster = Find(root, "clusters", Scalar(ctx, "cluster"), "cluster");
        var user = Find(root, "users", Scalar(ctx, "user"), "user") ?? new YamlMappingNode();
        if (cluster is null || Scalar(cluster, "server") is not { Length: > 0 } server || !Uri.TryCreate(server, UriKind.Absolute, out var uri)
            || user.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value is "exec" or "auth-provider" or "username")
            || cluster.Children.ContainsKey("proxy-url") || cluster.Children.ContainsKey("tls-server-name"))
        {
            return new Result(false, null);
        }

        string? Pem(YamlMappingNode node, string data, string file) =>
            Scalar(node, data) is { Length: > 0 } inline ? Encoding.UTF8.GetString(Convert.FromBase64String(inline))
            : Scalar(node, file) is { Length: > 0 } name ? File.ReadAllText(Path.Combine(baseDirectory, name))
            : null;

        var cas = new X509Certificate2Collection();
        if (Pem(cluster, "certificate-authority-data", "certificate-authority") is { } caPem)
        {
            cas.ImportFromPem(caPem);
        }

        var certificatePem = Pem(user, "client-certificate-data", "client-certificate");
        var keyPem = Pem(user, "client-key-data", "client-key");
        var certificate = certificatePem is not null && keyPem is not null ? X509Certificate2.CreateFromPem(certificatePem, keyPem) : null;
        var token = Scalar(user, "token") ?? (Scalar(user, "tokenFile") is { Length: > 0 } tokenFile ? File.ReadAllText(Path.Combine(baseDirectory, tokenFile)).Trim() : null);
        var skip = Scalar(cluster, "insecure-skip-tls-verify") == "true";
        return new Result(false, new UpstreamEndpoint(uri, cas, certificate, token, skip));
    }

    private static YamlMappingNode? Find(YamlMappingNode root, string section, string? name, string item) =>
        name is null || !root.Children.TryGetValue(section, out var node) || node is not YamlSequenceNode list
            ? null
            : list.Children.OfType<YamlMappingNode>().FirstOrDefault(e => Scalar(e, "name") == name) is { } entry
              && entry.Children.TryGetValue(item, out var inner) && inner is YamlMappingNode body
                ? body
                : null;

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
