using System.CommandLine;
using LocalKube.Abstractions.Errors;
using LocalKube.Cli.Output;

namespace LocalKube.Cli;

/// <summary>The flags every command accepts (minikube's global flags).</summary>
public sealed class GlobalOptions
{
    public const string DefaultProfile = "localkube";

    public Option<string> Profile { get; } = new("--profile", "-p")
    {
        Description = "The name of the cluster (profile) to operate on.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("LOCALKUBE_PROFILE") is { Length: > 0 } p ? p : DefaultProfile,
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--alsologtostderr", "-v")
    {
        Description = "Also write diagnostic logs to standard error.",
        Recursive = true,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: text or json.",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Profile);
        root.Options.Add(Verbose);
        root.Options.Add(Output);
    }

    public OutputFormat GetFormat(ParseResult result) => ParseFormat(result.GetValue(Output));

    /// <summary>For error output: never throws, falls back to text.</summary>
    public static OutputFormat ParseFormatOrText(string? value) =>
        string.Equals(value, "json", StringComparison.OrdinalIgnoreCase) ? OutputFormat.Json : OutputFormat.Text;

    public static OutputFormat ParseFormat(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "text" => OutputFormat.Text,
        "json" => OutputFormat.Json,
        _ => throw new LocalKubeException(Reasons.Usage, $"Invalid value '{value}' for --output: use text or json."),
    };
}
