using System.Globalization;
using k8s.Models;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// The downward API's <c>resourceFieldRef</c> (<c>k8s: pkg/api/v1/resource/helpers.go ExtractContainerResourceValue</c>):
/// the value divided by the divisor and rounded up; an unset limit reports the node's allocatable.
/// </summary>
public static class ResourceFieldRef
{
    /// <summary>The value of <paramref name="resource"/> (e.g. <c>limits.memory</c>) for <paramref name="container"/>.</summary>
    public static string Resolve(string resource, ResourceQuantity? divisor, V1Container container, IDictionary<string, ResourceQuantity> nodeAllocatable)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(container);
        var limits = container.Resources?.Limits;
        var requests = container.Resources?.Requests;
        var parts = resource.Split('.', 2);
        if (parts.Length != 2 || parts[0] is not ("limits" or "requests"))
        {
            throw new ContainerConfigException($"unsupported container resource : {resource}");
        }

        var name = parts[1];
        var source = parts[0] == "limits" ? limits : requests;
        ResourceQuantity? quantity = source is not null && source.TryGetValue(name, out var q) ? q : null;
        if (quantity is null && parts[0] == "limits")
        {
            quantity = nodeAllocatable.TryGetValue(name, out var a) ? a : null;
        }

        var value = QuantityValues.Decimal(quantity);
        var div = QuantityValues.Decimal(divisor) is var d && d != 0 ? d : 1m;
        if (name == "cpu")
        {
            // CPU rounds in millicores: ceil(milli(value) / milli(divisor)).
            var milli = Math.Ceiling(value * 1000);
            var divMilli = Math.Ceiling(div * 1000);
            return ((long)Math.Ceiling(milli / divMilli)).ToString(CultureInfo.InvariantCulture);
        }

        if (name is "memory" or "ephemeral-storage" || name.StartsWith("hugepages-", StringComparison.Ordinal))
        {
            return ((long)Math.Ceiling(Math.Ceiling(value) / Math.Ceiling(div))).ToString(CultureInfo.InvariantCulture);
        }

        throw new ContainerConfigException($"unsupported container resource : {resource}");
    }
}
