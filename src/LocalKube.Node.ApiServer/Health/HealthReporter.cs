using System.Text;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.ApiServer.Health;

/// <summary>
/// Evaluates <c>/healthz</c>, <c>/livez</c> and <c>/readyz</c> from the components' readiness snapshot and renders
/// the upstream text format: <c>ok</c>, or with <c>?verbose</c> one <c>[+]name ok</c> /
/// <c>[-]name failed: reason withheld</c> line per check (a refused component's line says why it was refused) and a <c>&lt;kind&gt; check passed|failed</c> trailer.
/// </summary>
public sealed class HealthReporter(IComponentReadiness readiness, Func<bool> isShuttingDown, IEnumerable<INodeHealthCheck>? checks = null)
{
    private readonly INodeHealthCheck[] _checks = checks?.ToArray() ?? [];

    /// <summary>The three health endpoints.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["healthz", "livez", "readyz"];

    /// <summary>The checks of <paramref name="kind"/> now, in a stable order.</summary>
    public IReadOnlyList<HealthCheckResult> Evaluate(string kind, IReadOnlyCollection<string>? exclude = null)
    {
        var live = kind == "livez";
        var results = new List<HealthCheckResult> { Check("ping", true) };
        foreach (var status in readiness.Snapshot())
        {
            // Liveness only fails on a failed component: a component still starting is alive.
            var healthy = live ? status.State != ComponentState.Failed : status.State == ComponentState.Ready;
            var check = Check(status.Component.Name, healthy);
            results.Add(status.State == ComponentState.Refused ? check with { Refusal = status.Error } : check);
        }

        foreach (var check in _checks)
        {
            if (check.Endpoints.Contains(kind))
            {
                results.Add(Check(check.Name, check.IsHealthy));
            }
        }

        if (kind == "readyz")
        {
            // Upstream's "shutdown" check: a stopping server stops being ready before it stops listening.
            results.Add(Check("shutdown", !isShuttingDown()));
        }

        return results;

        HealthCheckResult Check(string name, bool healthy) =>
            new(name, healthy, exclude?.Contains(name, StringComparer.Ordinal) == true);
    }

    /// <summary>Renders a report; returns the HTTP status (200 or 500) and the plain-text body.</summary>
    public static (int StatusCode, string Body) Render(string kind, IReadOnlyList<HealthCheckResult> results, bool verbose)
    {
        var failed = results.Any(r => !r.Healthy && !r.Excluded);
        if (!failed && !verbose)
        {
            return (200, "ok");
        }

        // Like upstream, a failure is always reported verbosely so a plain probe's log shows which check failed.
        var text = new StringBuilder();
        foreach (var r in results)
        {
            text.Append(r.Excluded ? $"[+]{r.Name} excluded: ok\n"
                : r.Healthy ? $"[+]{r.Name} ok\n"
                : r.Refusal is { } refusal ? $"[-]{r.Name} failed: refused: {refusal}\n"
                : $"[-]{r.Name} failed: reason withheld\n");
        }

        text.Append(kind).Append(failed ? " check failed" : " check passed").Append('\n');
        return (failed ? 500 : 200, text.ToString());
    }
}
