using Microsoft.Extensions.Options;

namespace LocalKube.Node.Hosting;

/// <summary>
/// Checks the component settings with the agent's options, before any component is even constructed: every
/// <c>--extra-config</c> value against its setting's type, then each component's own <see cref="NodeSettingsCheck"/>.
/// A problem stops the start with the usage exit code and its key named (never later, inside the component).
/// </summary>
public sealed class NodeSettingsValidator(IEnumerable<NodeSettingDefault> defaults, IEnumerable<NodeSettingsCheck> checks) : IValidateOptions<NodeAgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Built here from the options being validated: the agent's NodeSettings would ask for these same options.
        var settings = new NodeSettings(Options.Create(options), defaults);
        var errors = settings.Errors.Concat(checks.SelectMany(c => c.Check(options, settings))).Distinct(StringComparer.Ordinal).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
