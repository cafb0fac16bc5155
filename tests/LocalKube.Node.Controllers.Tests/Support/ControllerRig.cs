using k8s;
using k8s.Models;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Support;

/// <summary>
/// A real agent (store and API server, plus any components asked for) with some controllers running on it, each as
/// its own service account and all on one informer factory, as the controller manager runs them.
/// </summary>
internal sealed class ControllerRig : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly SharedInformerFactory _informers;

    private ControllerRig(TestAgent agent)
    {
        Agent = agent;
        _informers = agent.CreateInformerFactory();
    }

    public TestAgent Agent { get; }

    public Kubernetes Admin => Agent.Admin;

    public static async Task<ControllerRig> StartAsync(TestAgentOptions? options = null) => new(await TestAgent.StartAsync(options));

    /// <summary>Starts a controller named <paramref name="name"/> (its service account) and waits until it synced.</summary>
    public async Task<T> RunAsync<T>(string name, Func<ControllerContext, T> create)
        where T : ControllerService
    {
        var controller = create(Agent.CreateControllerContext(name, _informers));
        _running.Add(controller.RunAsync(_stop.Token));
        await controller.Synced.WaitAsync(TimeSpan.FromSeconds(30));
        return controller;
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds (<paramref name="seconds"/> at most).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        T value;
        while (true)
        {
            try
            {
                value = await read();
                if (done(value))
                {
                    return value;
                }
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                value = default!;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}; last: {(value is null ? "not found" : KubernetesJson.Serialize(value))}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sets a pod's IP, phase and readiness as its kubelet would (through the kubelet identity).</summary>
    public async Task<V1Pod> SetPodStatusAsync(string ns, string name, string ip, bool ready, string phase = "Running")
    {
        var pod = await Admin.CoreV1.ReadNamespacedPodAsync(name, ns);
        pod.Status.Phase = phase;
        pod.Status.PodIP = ip;
        pod.Status.PodIPs = [new V1PodIP { Ip = ip }];
        pod.Status.Conditions = (pod.Status.Conditions ?? []).Where(c => c.Type != "Ready").ToList();
        pod.Status.Conditions.Add(new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = DateTime.UtcNow });
        return await Agent.Kubelet.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, ns);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var task in _running)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        await _informers.DisposeAsync();
        await Agent.DisposeAsync();
        _stop.Dispose();
    }
}
