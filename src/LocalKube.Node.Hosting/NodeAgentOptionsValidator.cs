using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Hosting;

/// <summary>Validates <see cref="NodeAgentOptions"/>; every message starts with the offending flag.</summary>
public sealed partial class NodeAgentOptionsValidator : IValidateOptions<NodeAgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeAgentOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>All problems with <paramref name="options"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Check(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            errors.Add("--data-dir is required");
        }

        if (string.IsNullOrWhiteSpace(options.CertDir))
        {
            errors.Add("--cert-dir is required");
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            errors.Add($"--bind-address '{options.BindAddress}' is not an IP address");
        }

        if (options.SecurePort is < 1 or > 65535)
        {
            errors.Add($"--secure-port {options.SecurePort} must be between 1 and 65535");
        }

        // A node name becomes a Node object name: an RFC 1123 subdomain.
        if (string.IsNullOrWhiteSpace(options.NodeName))
        {
            errors.Add("--node-name is required");
        }
        else if (options.NodeName.Length > 253 || !NodeNamePattern().IsMatch(options.NodeName))
        {
            errors.Add($"--node-name '{options.NodeName}' must be a lower-case RFC 1123 subdomain (a-z, 0-9, '-', '.')");
        }

        if (!string.IsNullOrEmpty(options.AdvertiseAddress) && !IPAddress.TryParse(options.AdvertiseAddress, out _))
        {
            errors.Add($"--advertise-address '{options.AdvertiseAddress}' is not an IP address");
        }

        foreach (var server in options.EtcdServers)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"--etcd-servers '{server}' is not an http(s) URL");
            }
        }

        foreach (var entry in options.ExtraConfig)
        {
            if (!ExtraConfigEntry.TryParse(entry, out _, out var error))
            {
                errors.Add(error!);
            }
        }

        if (!DisabledComponents.TryParse(options, out _, out var disableError))
        {
            errors.Add(disableError!);
        }

        return errors;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex NodeNamePattern();
}
