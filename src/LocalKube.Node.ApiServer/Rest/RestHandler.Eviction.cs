using System.Globalization;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Policy;
using LocalKube.Node.ApiServer.Catalog.Printing;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

public sealed partial class RestHandler
{
    // Upstream's EvictionsRetry: 20 tries on conflicts.
    private const int EvictionRetries = 20;

    // Upstream's MaxDisruptedPodSize.
    private const int MaxDisruptedPods = 2000;

    private const string TooManyRequestsMessage = "Cannot evict pod as it would violate the pod's disruption budget.";

    /// <summary>
    /// <c>POST pods/&lt;name&gt;/eviction</c> (k/k <c>pkg/registry/core/pod/storage/eviction.go</c>, 1.32): pods that
    /// are pending, finished or already deleting are deleted at once; otherwise the one PodDisruptionBudget that
    /// selects the pod must allow a disruption, which the eviction spends (<c>disruptionsAllowed</c> − 1, the pod
    /// recorded in <c>disruptedPods</c>) before the delete, or the answer is a 429 that <c>kubectl drain</c> retries.
    /// The pod gets the <c>DisruptionTarget</c> condition before it is deleted.
    /// </summary>
    private async Task EvictAsync(HttpContext context, RestResource pods, RestPath path, CancellationToken ct)
    {
        var eviction = await ReadSubresourceBodyAsync<V1Eviction>(context.Request, ct);
        if (eviction.Metadata?.Name != path.Name)
        {
            throw StatusException.BadRequest("name in URL does not match name in Eviction object");
        }

        var options = eviction.DeleteOptions ?? new V1DeleteOptions();
        var dryRun = DryRun(context.Request) || options.DryRun is { Count: > 0 };
        var ns = path.Namespace;
        var name = path.Name!;
        var rvUnset = string.IsNullOrEmpty(options.Preconditions?.ResourceVersion);

        V1Pod pod;
        for (var attempt = 1; ; attempt++)
        {
            pod = (V1Pod)(await _store.GetAsync(pods, ns, name, ct)).Object;
            Admission.NodeRestrictionAdmission.CheckEviction(pod);
            if (!CanIgnoreBudget(pod))
            {
                break;
            }

            var direct = options;
            if (ShouldEnforceResourceVersion(pod) && rvUnset)
            {
                direct = WithResourceVersion(options, pod.Metadata.ResourceVersion);
            }

            try
            {
                await MarkAndDeleteAsync(pods, ns, name, direct, dryRun, ct);
                await SendSuccessAsync(context, ct);
                return;
            }
            catch (StatusException e) when (e.Code == 409 && rvUnset && attempt < EvictionRetries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), _time, ct);
            }
        }

        var budgets = await BudgetsSelectingAsync(pod, ct);
        if (budgets.Count > 1)
        {
            throw new StatusException(500, "", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        }

        var guardDelete = false;
        string? budgetName = null;
        if (budgets.Count == 1)
        {
            var (resource, budget) = budgets[0];
            budgetName = budget.Metadata.Name;
            var status = budget.Status ?? new V1PodDisruptionBudgetStatus();
            if (!IsReady(pod)
                && (budget.Spec?.UnhealthyPodEvictionPolicy == "AlwaysAllow" || (status.CurrentHealthy >= status.DesiredHealthy && status.DesiredHealthy > 0)))
            {
                // An unready pod does not count as healthy: deleting it spends nothing, as long as it stays unready.
                guardDelete = true;
            }
            else
            {
                await _store.GuaranteedUpdateAsync(resource, ns, budgetName, (obj, now) => SpendDisruption((V1PodDisruptionBudget)obj, name, now, dryRun), dryRun, ct);
            }
        }

        var deleteOptions = guardDelete ? WithResourceVersion(options, pod.Metadata.ResourceVersion) : options;
        try
        {
            await MarkAndDeleteAsync(pods, ns, name, deleteOptions, dryRun, ct);
        }
        catch (StatusException e) when (e.Code == 409 && guardDelete && rvUnset)
        {
            throw BudgetTooManyRequests($"The disruption budget {budgetName} is still being processed by the server.", 10);
        }

        await SendSuccessAsync(context, ct);
    }

    private static bool CanIgnoreBudget(V1Pod pod) =>
        pod.Status?.Phase is "Succeeded" or "Failed" or "Pending" || pod.Metadata.DeletionTimestamp is not null;

    private static bool ShouldEnforceResourceVersion(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed") && pod.Metadata.DeletionTimestamp is null;

    private static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static V1DeleteOptions WithResourceVersion(V1DeleteOptions options, string resourceVersion) => new()
    {
        ApiVersion = options.ApiVersion,
        Kind = options.Kind,
        DryRun = options.DryRun,
        GracePeriodSeconds = options.GracePeriodSeconds,
        OrphanDependents = options.OrphanDependents,
        PropagationPolicy = options.PropagationPolicy,
        Preconditions = new V1Preconditions { Uid = options.Preconditions?.Uid, ResourceVersion = resourceVersion },
    };

    // upstream checkAndDecrement
    private static bool SpendDisruption(V1PodDisruptionBudget budget, string podName, DateTime now, bool dryRun)
    {
        var status = budget.Status ??= new V1PodDisruptionBudgetStatus();
        var name = budget.Metadata.Name;
        if ((status.ObservedGeneration ?? 0) < (budget.Metadata.Generation ?? 0))
        {
            throw BudgetTooManyRequests($"The disruption budget {name} is still being processed by the server.", 10);
        }

        if (status.DisruptionsAllowed < 0)
        {
            throw StatusException.Forbidden("policy", "poddisruptionbudget", name, "pdb disruptions allowed is negative");
        }

        if (status.DisruptedPods is { Count: > MaxDisruptedPods })
        {
            throw StatusException.Forbidden("policy", "poddisruptionbudget", name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }

        if (status.DisruptionsAllowed == 0)
        {
            throw BudgetTooManyRequests(
                string.Create(CultureInfo.InvariantCulture, $"The disruption budget {name} needs {status.DesiredHealthy} healthy pods and has {status.CurrentHealthy} currently"), 0);
        }

        status.DisruptionsAllowed--;
        if (status.DisruptionsAllowed == 0)
        {
            DisruptionBudgets.SetAllowedCondition(status, now);
        }

        if (dryRun)
        {
            return false;
        }

        (status.DisruptedPods ??= new Dictionary<string, DateTime?>())[podName] = now;
        return true;
    }

    private static StatusException BudgetTooManyRequests(string cause, int retryAfter) =>
        new(429, "TooManyRequests", TooManyRequestsMessage, new StatusDetails(null, null, null)
        {
            Causes = [new V1StatusCause { Reason = "DisruptionBudget", Message = cause }],
            RetryAfterSeconds = retryAfter > 0 ? retryAfter : null,
        });

    private async Task<List<(RestResource Resource, V1PodDisruptionBudget Budget)>> BudgetsSelectingAsync(V1Pod pod, CancellationToken ct)
    {
        var found = new List<(RestResource, V1PodDisruptionBudget)>();
        if (_store.Resources.FindKind("policy", "PodDisruptionBudget") is not { } resource)
        {
            return found;
        }

        var list = await _store.ListAsync(resource, pod.Metadata.NamespaceProperty, new ListOptions(), ct);
        foreach (var item in list.Items)
        {
            var budget = (V1PodDisruptionBudget)item.Object;

            // A PDB with a nil or empty selector matches nothing, not everything.
            if (!Selectors.IsEmpty(budget.Spec?.Selector) && Selectors.Matches(budget.Spec!.Selector, pod.Metadata.Labels))
            {
                found.Add((resource, budget));
            }
        }

        return found;
    }

    // upstream addConditionAndDeletePod: DisruptionTarget first (through the status store), then the delete.
    private async Task MarkAndDeleteAsync(RestResource pods, string? ns, string name, V1DeleteOptions options, bool dryRun, CancellationToken ct)
    {
        if (!dryRun)
        {
            var uid = options.Preconditions?.Uid;
            var rv = options.Preconditions?.ResourceVersion;
            var updated = await _store.GuaranteedUpdateAsync(pods, ns, name, (obj, now) =>
            {
                var meta = obj.Metadata;
                if (!string.IsNullOrEmpty(uid) && uid != meta.Uid)
                {
                    throw StatusException.Conflict("", "Pod", name,
                        $"the UID in the precondition ({uid}) does not match the UID in record ({meta.Uid}). The object might have been deleted and then recreated");
                }

                if (!string.IsNullOrEmpty(rv) && rv != meta.ResourceVersion)
                {
                    throw StatusException.Conflict("", "Pod", name,
                        $"the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record ({meta.ResourceVersion}). The object might have been modified");
                }

                return PodConditions.Set((V1Pod)obj, new V1PodCondition
                {
                    Type = "DisruptionTarget", Status = "True", Reason = "EvictionByEvictionAPI", Message = "Eviction API: evicting",
                }, now);
            }, dryRun: false, ct);
            if (!string.IsNullOrEmpty(rv))
            {
                // We moved the resourceVersion ourselves: the caller's precondition now means the new one.
                options = WithResourceVersion(options, updated.Metadata.ResourceVersion);
            }
        }

        await _store.DeleteAsync(pods, ns, name, options, dryRun, ct);
    }
}
