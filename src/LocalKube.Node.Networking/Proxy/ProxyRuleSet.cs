namespace LocalKube.Node.Networking.Proxy;

/// <summary>One sync's <c>iptables-restore</c> input and the per-service nat chains it declares.</summary>
/// <param name="Text">The <c>*filter … COMMIT *nat … COMMIT</c> text: the fixed chains whole, and the service chains
/// that changed since the rules it was built against.</param>
/// <param name="ChainRules">Every KUBE-SVC/EXT/SEP chain of the rule set and its rules (the next sync deletes the
/// chains it drops, and leaves out those whose rules are the same).</param>
/// <param name="WrittenChains">How many service chains <see cref="Text"/> writes.</param>
public sealed record ProxyRuleSet(string Text, IReadOnlyDictionary<string, string> ChainRules, int WrittenChains)
{
    /// <summary>The names of <see cref="ChainRules"/>.</summary>
    public IReadOnlySet<string> ServiceChains => ChainRules.Keys.ToHashSet(StringComparer.Ordinal);
}
