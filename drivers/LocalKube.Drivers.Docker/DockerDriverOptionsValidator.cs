using Microsoft.Extensions.Options;

namespace LocalKube.Drivers.Docker;

/// <summary>Validates <see cref="DockerDriverOptions"/>; every message starts with the offending setting.</summary>
public sealed class DockerDriverOptionsValidator : IValidateOptions<DockerDriverOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DockerDriverOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>All problems with <paramref name="options"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Check(DockerDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ImageRepository) || options.ImageRepository.Any(c => char.IsUpper(c) || char.IsWhiteSpace(c) || c == ':'))
        {
            errors.Add($"{nameof(options.ImageRepository)} '{options.ImageRepository}' is not an image repository (lower case, no tag)");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultSocketPath) || !Path.IsPathRooted(options.DefaultSocketPath))
        {
            errors.Add($"{nameof(options.DefaultSocketPath)} '{options.DefaultSocketPath}' must be an absolute path");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(options.ConnectTimeout)} {options.ConnectTimeout} must be positive");
        }

        if (options.AgentStartWait <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(options.AgentStartWait)} {options.AgentStartWait} must be positive");
        }

        if (options.GetEnvironmentVariable is null)
        {
            errors.Add($"{nameof(options.GetEnvironmentVariable)} is required");
        }

        return errors;
    }

    /// <summary>Throws what resolving invalid options from a container throws, for drivers built without one.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static DockerDriverOptions Validated(DockerDriverOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? options : throw new OptionsValidationException(Options.DefaultName, typeof(DockerDriverOptions), errors);
    }
}
