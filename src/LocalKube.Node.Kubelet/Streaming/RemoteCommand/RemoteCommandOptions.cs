using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.Kubelet.Streaming.RemoteCommand;

/// <summary>
/// An exec or attach request as the kubelet receives it: repeated <c>command</c>, and <c>input</c>, <c>output</c>,
/// <c>error</c>, <c>tty</c> flags (<c>1</c> or <c>true</c>). With a terminal, stderr is not used (it merges into it).
/// </summary>
internal sealed record RemoteCommandOptions(IReadOnlyList<string> Command, bool Stdin, bool Stdout, bool Stderr, bool Tty)
{
    /// <summary>Reads the options; null with <paramref name="error"/> set when they are unusable.</summary>
    public static RemoteCommandOptions? Parse(IQueryCollection query, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tty = Flag(query, "tty");
        var options = new RemoteCommandOptions(
            [.. query["command"].Where(c => c is not null).Select(c => c!)],
            Flag(query, "input") || Flag(query, "stdin"),
            Flag(query, "output") || Flag(query, "stdout"),
            (Flag(query, "error") || Flag(query, "stderr")) && !tty,
            tty);
        error = !options.Stdin && !options.Stdout && !options.Stderr && !(tty && Flag(query, "error"))
            ? "you must specify at least 1 of stdin, stdout, stderr"
            : null;
        return error is null ? options : null;
    }

    private static bool Flag(IQueryCollection query, string name) => query[name].ToString() is "1" or "true" or "True";
}
