using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.Testing;

/// <summary>How to start a <see cref="TestAgent"/>.</summary>
public sealed class TestAgentOptions
{
    /// <summary>
    /// The switchable components to run besides storage and the API server (e.g. <c>controllers</c>,
    /// <c>kubelet</c>); every other one is switched off with <c>agent.disable</c>. Empty: the API server alone.
    /// </summary>
    public IList<NodeComponent> Components { get; } = [];

    /// <summary>The node's name (<c>--node-name</c>).</summary>
    public string NodeName { get; set; } = "test-node";

    /// <summary>More <c>--extra-config</c> entries.</summary>
    public IList<string> ExtraConfig { get; } = [];

    /// <summary>Component identities (file stems, e.g. <c>kube-scheduler</c>) whose certificates are left out of the cert dir.</summary>
    public IList<string> MissingCertificates { get; } = [];

    /// <summary>Changes the agent's services before it is built (add a component or a controller under test).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Wait for <c>/readyz</c> before returning (on by default).</summary>
    public bool WaitReady { get; set; } = true;
}
