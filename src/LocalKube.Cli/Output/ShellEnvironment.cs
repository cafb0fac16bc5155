using System.Text;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Cli.Output;

/// <summary>Environment variables as a shell's commands to set or unset them, in the shapes minikube's docker-env prints.</summary>
public static class ShellEnvironment
{
    /// <summary>The shells <c>--shell</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh", "sh", "fish", "powershell", "pwsh", "cmd", "tcsh", "none"];

    /// <summary>The user's shell: PowerShell on Windows, else $SHELL's name when known, else bash.</summary>
    public static string Detect(string? shellVariable, bool windows)
    {
        if (windows)
        {
            return "powershell";
        }

        var name = Path.GetFileName(shellVariable ?? string.Empty);
        return Shells.Contains(name) && name != "none" ? name : "bash";
    }

    /// <summary>Commands that set <paramref name="variables"/>, then how to apply them (<paramref name="usage"/> is the command to run).</summary>
    public static string Set(string shell, IReadOnlyList<KeyValuePair<string, string>> variables, string usage)
    {
        var text = new StringBuilder();
        var kind = Normalize(shell);
        Func<string, string, string> line = kind switch
        {
            "bash" => (k, v) => $"export {k}=\"{v}\"",
            "fish" => (k, v) => $"set -gx {k} \"{v}\";",
            "powershell" => (k, v) => $"$Env:{k} = \"{v}\"",
            "cmd" => (k, v) => $"SET {k}={v}",
            "tcsh" => (k, v) => $"setenv {k} \"{v}\";",
            _ => (k, v) => $"{k}={v}",
        };
        (string? comment, string? apply) = kind switch
        {
            "bash" => ("# ", $"eval $({usage})"),
            "fish" => ("# ", $"{usage} | source"),
            "powershell" => ("# ", $"& {usage} --shell powershell | Invoke-Expression"),
            "cmd" => ("REM ", $"@FOR /f \"tokens=*\" %i IN ('{usage} --shell cmd') DO @%i"),
            "tcsh" => ("# ", $"eval `{usage}`"),
            _ => ((string?)null, (string?)null),
        };
        foreach (var (key, value) in variables)
        {
            text.Append(line(key, value)).Append('\n');
        }

        if (comment is not null)
        {
            // PowerShell and cmd print no blank line before the hint, as minikube.
            if (kind is not ("powershell" or "cmd"))
            {
                text.Append('\n');
            }

            text.Append(comment).Append("To point your shell to the node's Docker Engine, run:\n").Append(comment).Append(apply).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Commands that unset <paramref name="names"/>.</summary>
    public static string Unset(string shell, IReadOnlyList<string> names)
    {
        Func<string, string> line = Normalize(shell) switch
        {
            "bash" => n => $"unset {n}",
            "fish" => n => $"set -e {n};",
            "powershell" => n => $"Remove-Item Env:\\\\{n}",
            "cmd" => n => $"SET {n}=",
            "tcsh" => n => $"unsetenv {n};",
            _ => n => $"{n}=",
        };
        return string.Concat(names.Select(n => line(n) + "\n"));
    }

    private static string Normalize(string shell) => shell.ToLowerInvariant() switch
    {
        "bash" or "zsh" or "sh" => "bash",
        "pwsh" or "powershell" => "powershell",
        "fish" or "cmd" or "tcsh" or "none" => shell.ToLowerInvariant(),
        _ => throw new LocalKubeException(Reasons.Usage, $"Invalid value '{shell}' for --shell: use {string.Join(", ", Shells)}."),
    };
}
