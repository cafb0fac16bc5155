namespace LocalKube.Abstractions.Drivers;

/// <summary>What the driver needs to install and start the node agent inside a machine.</summary>
/// <param name="BundleDirectory">Host folder holding the self-contained linux-x64 <c>localkube-node</c> publish.</param>
/// <param name="Files">
/// Files to place in the agent's certificate folder, by file name (<c>ca.crt</c>, <c>apiserver.crt</c>, ...).
/// Keys are written with mode 0600.
/// </param>
/// <param name="Arguments">
/// Agent arguments chosen by the caller (node name, extra config...). The driver adds the ones it owns:
/// <c>--data-dir</c>, <c>--cert-dir</c>, <c>--bind-address</c> and <c>--secure-port</c>.
/// </param>
public sealed record AgentLaunch(
    string BundleDirectory,
    IReadOnlyDictionary<string, byte[]> Files,
    IReadOnlyList<string> Arguments);
