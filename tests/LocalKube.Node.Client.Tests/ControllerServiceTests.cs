using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Helpers;
using LocalKube.Node.Testing;

namespace LocalKube.Node.Client.Tests;

/// <summary>The controller base against the real agent: informer-fed keys, reconcile with the controller's own identity, retries.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ControllerServiceTests
{
    [Test]
    public async Task A_controller_reconciles_each_change_as_its_own_service_account_and_retries_failures_with_backoff()
    {
        await using var agent = await TestAgent.StartAsync();
        var context = agent.CreateControllerContext("root-ca-cert-publisher");
        var controller = new StampController(context) { Workers = 2 };
        using var stop = new CancellationTokenSource();
        var running = controller.RunAsync(stop.Token);
        await controller.Synced.WaitAsync(TimeSpan.FromSeconds(30));

        await agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "flaky", Labels = new Dictionary<string, string> { ["stamp"] = "yes" } } }, "default");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        V1ConfigMap stamped;
        do
        {
            await Task.Delay(50, timeout.Token);
            stamped = await agent.Admin.CoreV1.ReadNamespacedConfigMapAsync("flaky", "default", cancellationToken: timeout.Token);
        }
        while (stamped.Data?.ContainsKey("stamped") != true);

        await stop.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(async () => await running);
        Assert.Multiple(() =>
        {
            Assert.That(controller.StampedOnAttempt, Is.EqualTo(3), "two failures, retried with backoff, then success");
            Assert.That(stamped.Metadata.ManagedFields.Select(m => m.Manager), Does.Contain("kube-controller-manager"));
            Assert.That(controller.Queue.ShuttingDown, Is.True);
        });
    }

    // Stamps labelled config maps; fails the first two tries of each key.
    private sealed class StampController : ControllerService
    {
        private readonly ILister<V1ConfigMap> _configMaps;

        public StampController(ControllerContext context)
            : base(context)
        {
            _configMaps = Watch<V1ConfigMap>(new Informers.InformerOptions(LabelSelector: "stamp=yes"), enqueue: true).Lister;
        }

        public System.Collections.Concurrent.ConcurrentDictionary<string, int> Attempts { get; } = new();

        public int StampedOnAttempt { get; private set; }

        protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
        {
            var attempt = Attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (attempt < 3)
            {
                throw new InvalidOperationException("not yet");
            }

            if (_configMaps.GetByKey(key) is not { } cached || cached.Data?.ContainsKey("stamped") == true)
            {
                return ReconcileResult.Done;
            }

            var copy = KubeJson.Clone(cached);
            copy.Data ??= new Dictionary<string, string>();
            copy.Data["stamped"] = "true";
            await Client.CoreV1.ReplaceNamespacedConfigMapAsync(copy, copy.Metadata.Name, copy.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            StampedOnAttempt = attempt;
            return ReconcileResult.Done;
        }
    }
}
