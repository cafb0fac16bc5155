using Microsoft.Extensions.Options;

namespace LocalKube.Drivers.Process;

/// <summary>Validates <see cref="ProcessDriverOptions"/>; every message starts with the offending setting.</summary>
public sealed class ProcessDriverOptionsValidator : IValidateOptions<ProcessDriverOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ProcessDriverOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>All problems with <paramref name="options"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Check(ProcessDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Positive(errors, nameof(options.AgentStartTimeout), options.AgentStartTimeout);
        Positive(errors, nameof(options.AgentRestartTimeout), options.AgentRestartTimeout);
        Positive(errors, nameof(options.LogPollInterval), options.LogPollInterval);
        return errors;
    }

    /// <summary>Throws what resolving invalid options from a container throws, for drivers built without one.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static ProcessDriverOptions Validated(ProcessDriverOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? options : throw new OptionsValidationException(Options.DefaultName, typeof(ProcessDriverOptions), errors);
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} {value} must be positive");
        }
    }
}
