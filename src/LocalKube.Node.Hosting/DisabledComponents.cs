namespace LocalKube.Node.Hosting;

/// <summary>
/// The components switched off with <c>--extra-config agent.disable=scheduler,controllers,...</c> (k3s's
/// <c>--disable</c>). A disabled component is never registered: it has no readiness gate, no <c>/readyz</c> check
/// and no hosted service. Integration tests use it to run the API server alone.
/// </summary>
public sealed class DisabledComponents
{
    /// <summary>The setting's key inside the <c>agent</c> component.</summary>
    public const string Key = "disable";

    /// <summary>Components that can be switched off; storage and the API server cannot (everything needs them).</summary>
    public static IReadOnlyList<NodeComponent> Switchable { get; } =
    [
        NodeComponent.Scheduler, NodeComponent.Controllers, NodeComponent.ContainerRuntime, NodeComponent.Kubelet,
        NodeComponent.Proxy, NodeComponent.Dns,
    ];

    private readonly HashSet<string> _names;

    private DisabledComponents(HashSet<string> names) => _names = names;

    /// <summary>Nothing disabled.</summary>
    public static DisabledComponents None { get; } = new([]);

    /// <summary>The disabled component names, sorted.</summary>
    public IReadOnlyList<string> Names => _names.Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether <paramref name="component"/> is switched off.</summary>
    public bool IsDisabled(NodeComponent component) => _names.Contains(component.Name);

    /// <summary>Reads <c>agent.disable</c> from <paramref name="options"/>' extra config (the last one wins).</summary>
    /// <returns>False with an error naming the key when a name is not a switchable component.</returns>
    public static bool TryParse(NodeAgentOptions options, out DisabledComponents disabled, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        disabled = None;
        error = null;
        string? value = null;
        foreach (var raw in options.ExtraConfig)
        {
            if (ExtraConfigEntry.TryParse(raw, out var entry, out _) && entry!.Component == NodeComponent.Agent.Name && entry.Key == Key)
            {
                value = entry.Value;
            }
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Switchable.Any(c => c.Name == name))
            {
                error = $"{ExtraConfigEntry.Flag} agent.{Key}: '{name}' is not a component that can be disabled (one of: {string.Join(", ", Switchable.Select(c => c.Name))})";
                return false;
            }

            names.Add(name);
        }

        disabled = new DisabledComponents(names);
        return true;
    }
}
