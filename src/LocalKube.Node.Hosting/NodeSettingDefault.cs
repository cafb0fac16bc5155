namespace LocalKube.Node.Hosting;

/// <summary>
/// A component's built-in default for one setting; <c>--extra-config component.key=value</c> overrides it.
/// Components register theirs with <see cref="NodeServiceCollectionExtensions.AddNodeSettingDefault"/>.
/// </summary>
/// <param name="Component">The owning component.</param>
/// <param name="Key">The key inside the component.</param>
/// <param name="Value">The default value.</param>
public sealed record NodeSettingDefault(NodeComponent Component, string Key, string Value)
{
    /// <summary><c>component.key</c>.</summary>
    public string FullKey => $"{Component.Name}.{Key}";
}
