namespace LocalKube.Node.Networking.Proxy;

/// <summary>One sync's <c>iptables-restore</c> input and the per-service nat chains it declares.</summary>
/// <param name="Text">The whole <c>*filter … COMMIT *nat … COMMIT</c> text.</param>
/// <param name="ServiceChains">The KUBE-SVC/EXT/SEP chains it declares (the next sync deletes those it drops).</param>
public sealed record ProxyRuleSet(string Text, IReadOnlySet<string> ServiceChains);
