using System.Text.RegularExpressions;
using LocalKube.Dashboard.Assets;

namespace LocalKube.Dashboard.Tests.Unit;

/// <summary>The embedded front end: present, and its first load within the 350 KB (compressed) budget.</summary>
[TestFixture]
[Category("Unit")]
public sealed class BundleBudgetTests
{
    private const long Budget = 350 * 1024;

    [Test]
    public void InitialLoad_IsWithinBudget_EditorAndTerminalAreLazy()
    {
        var assets = new StaticAssets();
        Assert.That(assets.HasIndex, Is.True, "the build embedded web/dist");
        var index = ReadEmbedded("web/index.html");
        var initial = Regex.Matches(index, @"(?:src|href)=""/(assets/[^""]+)""").Select(m => m.Groups[1].Value).ToList();
        Assert.That(initial, Has.Some.EndsWith(".js").And.Some.EndsWith(".css"));
        var bytes = assets.CompressedSize("index.html") + initial.Sum(assets.CompressedSize);
        TestContext.Progress.WriteLine($"initial load: {bytes / 1024.0:0.0} KB brotli ({string.Join(", ", initial)})");
        Assert.That(bytes, Is.LessThanOrEqualTo(Budget));

        // The editor and the terminal are separate chunks, not in the entry.
        var files = assets.Files.ToList();
        Assert.That(files, Has.Some.Match(@"^assets/YamlEditor-.*\.js$"));
        Assert.That(files, Has.Some.Match(@"^assets/ShellTab-.*\.js$"));
        var entry = ReadEmbedded("web/" + initial.First(f => f.EndsWith(".js", StringComparison.Ordinal)));
        Assert.That(entry, Does.Not.Contain("xterm-helper-textarea"), "xterm is not in the entry chunk");
        Assert.That(entry, Does.Not.Contain("cm-lintRange"), "CodeMirror is not in the entry chunk");
    }

    private static string ReadEmbedded(string name)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream(name) ?? throw new FileNotFoundException(name);
        return new StreamReader(stream).ReadToEnd();
    }
}
