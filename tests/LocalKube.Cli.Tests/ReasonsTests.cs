using System.Text;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Cli.Tests;

[TestFixture]
[Category("Unit")]
public sealed class ReasonsTests
{
    [Test]
    public void Ids_AreUniqueAndFollowTheNaming()
    {
        Assert.That(Reasons.All.Select(r => r.Id), Is.Unique);
        Assert.That(Reasons.All.Select(r => r.Id), Has.All.Match("^LK_[A-Z0-9_]+$"));
        Assert.That(Reasons.All.Select(r => r.Advice), Has.All.Not.Empty);
    }

    [Test]
    public void All_ListsEveryDeclaredReason()
    {
        var declared = typeof(Reasons).GetFields().Where(f => f.FieldType == typeof(Reason)).Select(f => (Reason)f.GetValue(null)!);
        Assert.That(Reasons.All, Is.EquivalentTo(declared));
    }

    [Test]
    public void Docs_ReasonsPage_IsCurrent()
    {
        var page = Path.Combine(RepoRoot(), "docs", "reasons.md");
        var expected = Render();
        if (!File.Exists(page) || File.ReadAllText(page) != expected)
        {
            // Write the fresh page beside it, so the fix is one 'mv' away.
            File.WriteAllText(page + ".new", expected);
            Assert.Fail($"{page} is out of date with Reasons.cs; the current text is in {page}.new");
        }
    }

    internal static string Render()
    {
        var text = new StringBuilder();
        text.Append("# Reason IDs and exit codes\n\n");
        text.Append("Every error LocalKube reports carries one of these IDs (stable once shipped) and exits with its code.\n");
        text.Append("This page is checked against `src/LocalKube.Abstractions/Errors/Reasons.cs` by a test.\n\n");
        text.Append("| ID | exit code | advice |\n|---|---|---|\n");
        foreach (var reason in Reasons.All.OrderBy(r => r.ExitCode).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            text.Append($"| `{reason.Id}` | {reason.ExitCode} | {reason.Advice.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }

        return text.ToString();
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LocalKube.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LocalKube.sln not found above " + AppContext.BaseDirectory);
    }
}
