using System.Net.Http.Headers;
using k8s;
using k8s.Authentication;
using k8s.Models;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// Bearer tokens of one service account, obtained by a component acting as itself (upstream's dynamic client
/// builder behind <c>--use-service-account-credentials</c>): the account is created when missing, a token is
/// requested through the TokenRequest API, and renewed when 80% of its life has passed.
/// </summary>
public sealed class ServiceAccountTokenProvider(Kubernetes owner, string ns, string name, TimeProvider time) : ITokenProvider, IDisposable
{
    /// <summary>The life of each token requested (upstream's controller tokens live an hour).</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    /// <summary>The account's user name, <c>system:serviceaccount:ns:name</c>.</summary>
    public string UserName => $"system:serviceaccount:{ns}:{name}";

    /// <inheritdoc />
    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && time.GetUtcNow() < _renewAt)
        {
            return new AuthenticationHeaderValue("Bearer", cached);
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_token is null || time.GetUtcNow() >= _renewAt)
            {
                await RenewAsync(cancellationToken);
            }

            return new AuthenticationHeaderValue("Bearer", _token);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Drops the cached token, so the next request gets a new one (e.g. after a 401).</summary>
    public void Invalidate() => _renewAt = DateTimeOffset.MinValue;

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            await owner.CoreV1.ReadNamespacedServiceAccountAsync(name, ns, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            try
            {
                await owner.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns } }, ns, cancellationToken: cancellationToken);
            }
            catch (Exception created) when (KubeErrors.IsAlreadyExists(created))
            {
                // Created meanwhile.
            }
        }

        var issued = time.GetUtcNow();
        var request = await owner.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = (long)TokenLifetime.TotalSeconds } },
            name,
            ns,
            cancellationToken: cancellationToken);
        _token = request.Status.Token;
        var expires = request.Status.ExpirationTimestamp is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : issued + TokenLifetime;
        _renewAt = issued + ((expires - issued) * 0.8);
    }
}
