using k8s;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Informers;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Client.Controllers;

/// <summary>
/// What one controller works with: its own client (its own identity: in the agent, the service account
/// <c>kube-system/&lt;name&gt;</c>), the agent's shared informers, its event recorder, logging and the clock.
/// </summary>
/// <param name="Name">The controller's name, e.g. <c>namespace-controller</c> (its service account and event reporter).</param>
/// <param name="Client">The controller's client.</param>
/// <param name="Informers">The shared informers.</param>
/// <param name="Recorder">Its event recorder.</param>
/// <param name="LoggerFactory">Logging.</param>
/// <param name="Time">The clock (tests use a fake one).</param>
public sealed record ControllerContext(
    string Name,
    Kubernetes Client,
    SharedInformerFactory Informers,
    IEventRecorder Recorder,
    ILoggerFactory LoggerFactory,
    TimeProvider Time);
