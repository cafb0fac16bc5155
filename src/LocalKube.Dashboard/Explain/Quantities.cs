using System.Globalization;
using k8s.Models;

namespace LocalKube.Dashboard.Explain;

/// <summary>CPU and memory amounts: what a pod requests, and how to say them the way kubectl does.</summary>
internal static class Quantities
{
    /// <summary>
    /// A pod's effective request, as the scheduler computes it: the sum over its containers, or the largest init
    /// container's if that is more (init containers run one at a time, before the others).
    /// </summary>
    public static (decimal Cpu, decimal Memory) PodRequests(V1PodSpec? spec)
    {
        if (spec is null)
        {
            return (0, 0);
        }

        decimal cpu = 0, memory = 0;
        foreach (var container in spec.Containers ?? [])
        {
            cpu += Request(container, "cpu");
            memory += Request(container, "memory");
        }

        foreach (var init in spec.InitContainers ?? [])
        {
            cpu = Math.Max(cpu, Request(init, "cpu"));
            memory = Math.Max(memory, Request(init, "memory"));
        }

        return (cpu, memory);
    }

    public static decimal Request(V1Container container, string resource)
    {
        var resources = container.Resources;
        if (resources?.Requests is { } requests && requests.TryGetValue(resource, out var request))
        {
            return Parse(request);
        }

        // Upstream defaults a missing request to the limit.
        return resources?.Limits is { } limits && limits.TryGetValue(resource, out var limit) ? Parse(limit) : 0;
    }

    public static decimal Parse(ResourceQuantity? quantity)
    {
        if (quantity is null)
        {
            return 0;
        }

        try
        {
            return quantity.ToDecimal();
        }
        catch (FormatException)
        {
            return 0;
        }
        catch (OverflowException)
        {
            // Beyond decimal's range (a pod may ask for "1e40"): the largest value keeps comparisons and sums sane.
            return quantity.ToDouble() < 0 ? decimal.MinValue / 2 : decimal.MaxValue / 2;
        }
    }

    public static decimal Allocatable(V1Node node, string resource) =>
        node.Status?.Allocatable is { } allocatable && allocatable.TryGetValue(resource, out var value) ? Parse(value)
        : node.Status?.Capacity is { } capacity && capacity.TryGetValue(resource, out var cap) ? Parse(cap) : 0;

    /// <summary><c>250m</c>, <c>1500m</c>, <c>2</c> (cores), as kubectl describe prints them.</summary>
    public static string Cpu(decimal cores) =>
        cores == decimal.Truncate(cores)
            ? cores.ToString("0", CultureInfo.InvariantCulture)
            : decimal.Round(cores * 1000).ToString("0", CultureInfo.InvariantCulture) + "m";

    /// <summary><c>512Mi</c>, <c>1.5Gi</c>, <c>300Ki</c>.</summary>
    public static string Memory(decimal bytes)
    {
        string[] units = ["", "Ki", "Mi", "Gi", "Ti"];
        var value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return decimal.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture) + units[unit];
    }
}
