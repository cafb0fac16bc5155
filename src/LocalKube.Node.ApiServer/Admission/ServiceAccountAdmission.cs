using System.Security.Cryptography;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// The ServiceAccount admission plugin (k/k <c>plugin/pkg/admission/serviceaccount</c>) on pod creation: defaults
/// <c>serviceAccountName</c> to <c>default</c> and, unless <c>automountServiceAccountToken</c> (the pod's, else the
/// ServiceAccount's) is false, adds the <c>kube-api-access-xxxxx</c> projected volume (a bound token the kubelet
/// refreshes, <c>ca.crt</c> from the <c>kube-root-ca.crt</c> ConfigMap, the <c>namespace</c>) mounted read-only at
/// <c>/var/run/secrets/kubernetes.io/serviceaccount</c> in every container that does not mount that path itself.
/// Mirror pods are left alone. Unlike upstream, a ServiceAccount that does not exist (yet) does not refuse the pod:
/// it is admitted without the volume, so an API server run without the ServiceAccount controller keeps working.
/// </summary>
public sealed class ServiceAccountAdmission : IAdmissionHook
{
    /// <summary>Where the token, ca.crt and namespace are mounted.</summary>
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The projected volume's name prefix.</summary>
    public const string VolumePrefix = "kube-api-access-";

    /// <summary>The token's lifetime as upstream asks for it (an hour and 7 s, so it is recognisably a projected token).</summary>
    public const long TokenExpirationSeconds = 3607;

    // k8s.io/apiserver's SimpleNameGenerator alphabet (no vowels, no confusable digits).
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <inheritdoc />
    public bool SerializesWrites => false;

    /// <inheritdoc />
    public bool AppliesTo(string group, string kind) => group.Length == 0 && kind == "Pod";

    /// <inheritdoc />
    public async Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Old is not null || request.Object is not V1Pod pod
            || pod.Metadata?.Annotations?.ContainsKey("kubernetes.io/config.mirror") == true)
        {
            return;
        }

        var spec = pod.Spec ??= new V1PodSpec();
        if (string.IsNullOrEmpty(spec.ServiceAccountName))
        {
            spec.ServiceAccountName = "default";
        }

        spec.ServiceAccount = spec.ServiceAccountName;
        if (spec.AutomountServiceAccountToken == false || request.Store.Resources.FindKind("", "ServiceAccount") is not { } resource)
        {
            return;
        }

        var stored = await request.Store.TryGetAsync(resource, pod.Metadata!.NamespaceProperty, spec.ServiceAccountName, cancellationToken);
        if (stored?.Object is not V1ServiceAccount account
            || (spec.AutomountServiceAccountToken is null && account.AutomountServiceAccountToken == false))
        {
            return;
        }

        Inject(spec);
    }

    /// <summary>Adds the projected volume and its mounts to <paramref name="spec"/> (nothing when one is there already).</summary>
    public static void Inject(V1PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Volumes ??= [];
        var existing = spec.Volumes.FirstOrDefault(v => v.Name.StartsWith(VolumePrefix, StringComparison.Ordinal) && v.Projected is not null);
        var name = existing?.Name ?? VolumePrefix + Suffix();
        if (existing is null)
        {
            spec.Volumes.Add(Volume(name));
        }

        foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers ?? []))
        {
            container.VolumeMounts ??= [];
            if (!container.VolumeMounts.Any(m => m.MountPath.TrimEnd('/') == MountPath))
            {
                container.VolumeMounts.Add(new V1VolumeMount { Name = name, MountPath = MountPath, ReadOnlyProperty = true });
            }
        }
    }

    private static V1Volume Volume(string name) => new()
    {
        Name = name,
        Projected = new V1ProjectedVolumeSource
        {
            DefaultMode = 420,
            Sources =
            [
                new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { ExpirationSeconds = TokenExpirationSeconds, Path = "token" } },
                new V1VolumeProjection
                {
                    ConfigMap = new V1ConfigMapProjection { Name = "kube-root-ca.crt", Items = [new V1KeyToPath { Key = "ca.crt", Path = "ca.crt" }] },
                },
                new V1VolumeProjection
                {
                    DownwardAPI = new V1DownwardAPIProjection
                    {
                        Items = [new V1DownwardAPIVolumeFile { Path = "namespace", FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.namespace" } }],
                    },
                },
            ],
        },
    };

    private static string Suffix() => string.Create(5, 0, (chars, _) =>
    {
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
    });
}
