namespace LocalKube.Node.Hosting;

/// <summary>
/// A component's own check of its settings taken together (an address range, a URI, values that depend on the
/// agent's flags), run when the agent starts, before any component: each message it returns names its key and stops
/// the start. Registered with <see cref="NodeServiceCollectionExtensions.AddNodeSettingsCheck"/>.
/// </summary>
/// <param name="Component">The component whose settings are checked (no check runs for a disabled one).</param>
/// <param name="Check">Returns the problems found (none when the settings are fine).</param>
public sealed record NodeSettingsCheck(NodeComponent Component, Func<NodeAgentOptions, NodeSettings, IEnumerable<string>> Check);
