using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// A container's environment as the kubelet makes it (<c>k8s: kubelet_pods.go makeEnvironmentVariables</c>):
/// envFrom (with prefix) first, then env in order (values may refer to envFrom, earlier entries and service
/// variables), then the service variables not overridden. A missing source that is not optional is an error
/// (<c>CreateContainerConfigError</c>) naming it.
/// </summary>
public sealed partial class EnvironmentBuilder(IConfigSource source)
{
    /// <summary>Invalid envFrom keys that were skipped, per source, for the <c>InvalidEnvironmentVariableNames</c> event.</summary>
    public IList<string> Warnings { get; } = [];

    /// <summary>Builds the environment of <paramref name="container"/> in <paramref name="pod"/>.</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="container">The container.</param>
    /// <param name="podIps">The pod's IPs (for fieldRef status.podIP).</param>
    /// <param name="hostIps">The node's IPs.</param>
    /// <param name="nodeAllocatable">Node allocatable, for resourceFieldRef of an unset limit.</param>
    /// <param name="cancellationToken">Cancels lookups.</param>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> BuildAsync(
        V1Pod pod,
        V1Container container,
        IReadOnlyList<string> podIps,
        IReadOnlyList<string> hostIps,
        IDictionary<string, ResourceQuantity> nodeAllocatable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        var ns = pod.Metadata?.NamespaceProperty ?? "default";
        var services = await source.ListServicesAsync(ns, cancellationToken).ConfigureAwait(false);
        var serviceEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in ServiceEnvironment.For(ns, pod.Spec?.EnableServiceLinks ?? true, services))
        {
            serviceEnv[k] = v;
        }

        var configMaps = new Dictionary<string, V1ConfigMap>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, V1Secret>(StringComparer.Ordinal);
        var env = new OrderedEnv();
        foreach (var from in container.EnvFrom ?? [])
        {
            if (from.ConfigMapRef is { } cmRef)
            {
                var cm = await ConfigMapAsync(ns, cmRef.Name, configMaps, cancellationToken).ConfigureAwait(false);
                if (cm is null)
                {
                    if (cmRef.Optional == true)
                    {
                        continue;
                    }

                    throw new ContainerConfigException($"configmap \"{cmRef.Name}\" not found");
                }

                AddAll(env, from.Prefix, cm.Data, $"the EnvFrom configMap {ns}/{cmRef.Name}");
            }
            else if (from.SecretRef is { } secretRef)
            {
                var secret = await SecretAsync(ns, secretRef.Name, secrets, cancellationToken).ConfigureAwait(false);
                if (secret is null)
                {
                    if (secretRef.Optional == true)
                    {
                        continue;
                    }

                    throw new ContainerConfigException($"secret \"{secretRef.Name}\" not found");
                }

                AddAll(env, from.Prefix, secret.Data?.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value)),
                    $"the EnvFrom secret {ns}/{secretRef.Name}");
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            string value;
            if (!string.IsNullOrEmpty(variable.Value))
            {
                value = VariableExpansion.Expand(variable.Value, VariableExpansion.LookupIn(env.Values, serviceEnv));
            }
            else if (variable.ValueFrom is { } from)
            {
                var resolved = await ResolveAsync(pod, container, ns, from, podIps, hostIps, nodeAllocatable, configMaps, secrets, cancellationToken)
                    .ConfigureAwait(false);
                if (resolved is null)
                {
                    // An optional source that is missing: the variable is left out.
                    continue;
                }

                value = resolved;
            }
            else
            {
                value = "";
            }

            serviceEnv.Remove(variable.Name);
            env.Set(variable.Name, value);
        }

        var result = env.ToList();
        result.AddRange(serviceEnv.Where(kv => !env.Values.ContainsKey(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal));
        return result;
    }

    /// <summary>Expands <c>$(VAR)</c> in command or args with the container's final environment.</summary>
    public static IReadOnlyList<string>? ExpandCommand(IList<string>? command, IReadOnlyList<KeyValuePair<string, string>> env)
    {
        if (command is null || command.Count == 0)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in env)
        {
            map[k] = v;
        }

        var lookup = VariableExpansion.LookupIn(map);
        return command.Select(c => VariableExpansion.Expand(c, lookup)).ToList();
    }

    private async Task<string?> ResolveAsync(
        V1Pod pod,
        V1Container container,
        string ns,
        V1EnvVarSource from,
        IReadOnlyList<string> podIps,
        IReadOnlyList<string> hostIps,
        IDictionary<string, ResourceQuantity> nodeAllocatable,
        Dictionary<string, V1ConfigMap> configMaps,
        Dictionary<string, V1Secret> secrets,
        CancellationToken cancellationToken)
    {
        if (from.FieldRef is { } field)
        {
            return FieldPath.Resolve(field.FieldPath, pod, podIps, hostIps);
        }

        if (from.ResourceFieldRef is { } resource)
        {
            return ResourceFieldRef.Resolve(resource.Resource, resource.Divisor, container, nodeAllocatable);
        }

        if (from.ConfigMapKeyRef is { } cmKey)
        {
            var optional = cmKey.Optional == true;
            var cm = await ConfigMapAsync(ns, cmKey.Name, configMaps, cancellationToken).ConfigureAwait(false);
            if (cm is null)
            {
                return optional ? null : throw new ContainerConfigException($"configmap \"{cmKey.Name}\" not found");
            }

            if (cm.Data?.TryGetValue(cmKey.Key, out var value) == true)
            {
                return value;
            }

            return optional ? null : throw new ContainerConfigException($"couldn't find key {cmKey.Key} in ConfigMap {ns}/{cmKey.Name}");
        }

        if (from.SecretKeyRef is { } secretKey)
        {
            var optional = secretKey.Optional == true;
            var secret = await SecretAsync(ns, secretKey.Name, secrets, cancellationToken).ConfigureAwait(false);
            if (secret is null)
            {
                return optional ? null : throw new ContainerConfigException($"secret \"{secretKey.Name}\" not found");
            }

            if (secret.Data?.TryGetValue(secretKey.Key, out var bytes) == true)
            {
                return Encoding.UTF8.GetString(bytes);
            }

            return optional ? null : throw new ContainerConfigException($"couldn't find key {secretKey.Key} in Secret {ns}/{secretKey.Name}");
        }

        return "";
    }

    private void AddAll(OrderedEnv env, string? prefix, IDictionary<string, string>? data, string what)
    {
        var invalid = new List<string>();
        foreach (var (key, value) in (data ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var name = (prefix ?? "") + key;
            if (!EnvVarName().IsMatch(name))
            {
                invalid.Add(name);
                continue;
            }

            env.Set(name, value);
        }

        if (invalid.Count > 0)
        {
            invalid.Sort(StringComparer.Ordinal);
            Warnings.Add($"Keys [{string.Join(", ", invalid)}] from {what} were skipped since they are considered invalid environment variable names.");
        }
    }

    private async Task<V1ConfigMap?> ConfigMapAsync(string ns, string name, Dictionary<string, V1ConfigMap> cache, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(name, out var cm))
        {
            return cm;
        }

        cm = await source.GetConfigMapAsync(ns, name, cancellationToken).ConfigureAwait(false);
        if (cm is not null)
        {
            cache[name] = cm;
        }

        return cm;
    }

    private async Task<V1Secret?> SecretAsync(string ns, string name, Dictionary<string, V1Secret> cache, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(name, out var secret))
        {
            return secret;
        }

        secret = await source.GetSecretAsync(ns, name, cancellationToken).ConfigureAwait(false);
        if (secret is not null)
        {
            cache[name] = secret;
        }

        return secret;
    }

    // upstream's IsEnvVarName: letters, digits, '-', '.', '_', not starting with a digit.
    [GeneratedRegex(@"^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvVarName();

    /// <summary>Name → value with first-set order kept.</summary>
    private sealed class OrderedEnv
    {
        private readonly List<string> _order = [];

        public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

        public void Set(string name, string value)
        {
            if (!Values.ContainsKey(name))
            {
                _order.Add(name);
            }

            Values[name] = value;
        }

        public List<KeyValuePair<string, string>> ToList() => _order.Select(n => new KeyValuePair<string, string>(n, Values[n])).ToList();
    }
}
