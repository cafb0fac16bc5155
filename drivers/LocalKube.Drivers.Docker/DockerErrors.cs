using System.Net;
using System.Text.RegularExpressions;
using Docker.DotNet;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>Turns Docker API failures into values ("not found") or into classified LocalKube errors.</summary>
internal static partial class DockerErrors
{
    /// <summary>True for a 404 of any kind (container, volume, network, image).</summary>
    public static bool IsNotFound(Exception e) =>
        e is DockerContainerNotFoundException or DockerNetworkNotFoundException or DockerImageNotFoundException
        || (e is DockerApiException api && api.StatusCode == HttpStatusCode.NotFound);

    /// <summary>True for "is not running" / "is already in progress" style conflicts that mean "nothing to do".</summary>
    public static bool IsConflict(Exception e) => e is DockerApiException { StatusCode: HttpStatusCode.Conflict };

    /// <summary>
    /// The PortInUse error when Docker failed to bind a published port, naming the port Docker reported (or the
    /// requested ones when its message names none of them); null for any other failure.
    /// </summary>
    public static LocalKubeException? AsPortInUse(Exception e, IEnumerable<PortMapping> requested)
    {
        var message = e is DockerApiException api ? api.ResponseBody : e.Message;
        if (!message.Contains("port is already allocated", StringComparison.OrdinalIgnoreCase)
            && !message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var ports = requested.ToList();
        var named = HostPortPattern().Matches(message)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Select(p => ports.FirstOrDefault(r => r.HostPort == p))
            .FirstOrDefault(p => p is not null);
        if (named is not null)
        {
            return new LocalKubeException(Reasons.PortInUse,
                $"Host port {named.HostPort} ({named.HostIp}:{named.HostPort}) is already in use.", e);
        }

        return new LocalKubeException(Reasons.PortInUse,
            $"A host port is already in use (one of {string.Join(", ", ports.Select(p => p.HostPort))}): {message.Trim()}", e);
    }

    /// <summary>A provisioning failure with Docker's own words.</summary>
    public static LocalKubeException Provision(string what, Exception e) =>
        new(Reasons.GuestProvision, $"{what}: {(e is DockerApiException api ? api.ResponseBody.Trim() : e.Message)}", e);

    [GeneratedRegex(@":(\d{1,5})\b")]
    private static partial Regex HostPortPattern();
}
