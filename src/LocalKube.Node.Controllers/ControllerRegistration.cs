using LocalKube.Node.Client.Controllers;

namespace LocalKube.Node.Controllers;

/// <summary>One controller the controller manager runs: its name (and service account) and how to make it.</summary>
/// <param name="Name">E.g. <c>namespace-controller</c>: the service account <c>kube-system/&lt;name&gt;</c> it acts as.</param>
/// <param name="Create">Makes the controller from the agent's services and its context.</param>
public sealed record ControllerRegistration(string Name, Func<IServiceProvider, ControllerContext, ControllerService> Create);
