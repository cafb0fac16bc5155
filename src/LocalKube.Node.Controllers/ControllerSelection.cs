namespace LocalKube.Node.Controllers;

/// <summary>
/// Which controllers run: <c>--extra-config controllers.controllers=...</c>, upstream's kube-controller-manager
/// <c>--controllers</c> list. <c>*</c> turns on every controller, <c>foo</c> turns on <c>foo</c>, <c>-foo</c> turns it
/// off (e.g. <c>*,-root-ca-cert-publisher</c>).
/// </summary>
public sealed class ControllerSelection(IReadOnlyList<string> entries)
{
    /// <summary>The setting's key under the <c>controllers</c> component.</summary>
    public const string Key = "controllers";

    /// <summary>The default: every controller.</summary>
    public const string All = "*";

    /// <summary>Whether the controller named <paramref name="name"/> (upstream's name) runs.</summary>
    public bool IsEnabled(string name)
    {
        if (entries.Contains("-" + name, StringComparer.Ordinal))
        {
            return false;
        }

        return entries.Contains(name, StringComparer.Ordinal) || entries.Contains(All, StringComparer.Ordinal);
    }
}
