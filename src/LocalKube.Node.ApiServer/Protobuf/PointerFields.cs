using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// Scalar fields that are pointers in upstream's Go types (<c>*int32</c>, <c>*bool</c>, ...): sent only when set,
/// so a zero or false on the wire is a real value (<c>replicas: 0</c>, <c>automountServiceAccountToken: false</c>)
/// and must reach the JSON. Every other scalar is always sent and its zero means "unset".
/// </summary>
internal static class PointerFields
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "meta.v1.ObjectMeta.deletionGracePeriodSeconds",
        "meta.v1.OwnerReference.controller",
        "meta.v1.OwnerReference.blockOwnerDeletion",

        "apps.v1.DaemonSetSpec.revisionHistoryLimit",
        "apps.v1.DeploymentSpec.replicas",
        "apps.v1.DeploymentSpec.revisionHistoryLimit",
        "apps.v1.DeploymentSpec.progressDeadlineSeconds",
        "apps.v1.ReplicaSetSpec.replicas",
        "apps.v1.RollingUpdateStatefulSetStrategy.partition",
        "apps.v1.StatefulSetSpec.replicas",
        "apps.v1.StatefulSetSpec.revisionHistoryLimit",

        "batch.v1.CronJobSpec.startingDeadlineSeconds",
        "batch.v1.CronJobSpec.suspend",
        "batch.v1.CronJobSpec.successfulJobsHistoryLimit",
        "batch.v1.CronJobSpec.failedJobsHistoryLimit",
        "batch.v1.JobSpec.parallelism",
        "batch.v1.JobSpec.completions",
        "batch.v1.JobSpec.activeDeadlineSeconds",
        "batch.v1.JobSpec.manualSelector",
        "batch.v1.JobSpec.backoffLimit",
        "batch.v1.JobSpec.ttlSecondsAfterFinished",
        "batch.v1.JobSpec.suspend",
        "batch.v1.JobSpec.backoffLimitPerIndex",
        "batch.v1.JobSpec.maxFailedIndexes",
        "batch.v1.SuccessPolicyRule.succeededCount",

        "authentication.v1.TokenRequestSpec.expirationSeconds",

        "core.v1.ClientIPConfig.timeoutSeconds",
        "core.v1.ClusterTrustBundleProjection.optional",
        "core.v1.ConfigMap.immutable",
        "core.v1.ConfigMapEnvSource.optional",
        "core.v1.ConfigMapKeySelector.optional",
        "core.v1.ConfigMapProjection.optional",
        "core.v1.ConfigMapVolumeSource.defaultMode",
        "core.v1.ConfigMapVolumeSource.optional",
        "core.v1.CSIVolumeSource.readOnly",
        "core.v1.DownwardAPIVolumeFile.mode",
        "core.v1.DownwardAPIVolumeSource.defaultMode",
        "core.v1.KeyToPath.mode",
        "core.v1.PersistentVolumeClaimSpec.storageClassName",
        "core.v1.PodSecurityContext.runAsUser",
        "core.v1.PodSecurityContext.runAsNonRoot",
        "core.v1.PodSecurityContext.fsGroup",
        "core.v1.PodSecurityContext.runAsGroup",
        "core.v1.PodSpec.terminationGracePeriodSeconds",
        "core.v1.PodSpec.activeDeadlineSeconds",
        "core.v1.PodSpec.automountServiceAccountToken",
        "core.v1.PodSpec.priority",
        "core.v1.PodSpec.shareProcessNamespace",
        "core.v1.PodSpec.enableServiceLinks",
        "core.v1.PodSpec.setHostnameAsFQDN",
        "core.v1.PodSpec.hostUsers",
        "core.v1.Probe.terminationGracePeriodSeconds",
        "core.v1.ProjectedVolumeSource.defaultMode",
        "core.v1.Secret.immutable",
        "core.v1.SecretEnvSource.optional",
        "core.v1.SecretKeySelector.optional",
        "core.v1.SecretProjection.optional",
        "core.v1.SecretVolumeSource.defaultMode",
        "core.v1.SecretVolumeSource.optional",
        "core.v1.SecurityContext.privileged",
        "core.v1.SecurityContext.runAsUser",
        "core.v1.SecurityContext.runAsNonRoot",
        "core.v1.SecurityContext.readOnlyRootFilesystem",
        "core.v1.SecurityContext.allowPrivilegeEscalation",
        "core.v1.SecurityContext.runAsGroup",
        "core.v1.ServiceAccount.automountServiceAccountToken",
        "core.v1.ServiceAccountTokenProjection.expirationSeconds",
        "core.v1.ServiceSpec.allocateLoadBalancerNodePorts",
        "core.v1.Toleration.tolerationSeconds",
        "core.v1.TopologySpreadConstraint.minDomains",
        "core.v1.WindowsSecurityContextOptions.hostProcess",
    };

    private const string Prefix = "localkube.kube.";

    public static bool Contains(FieldDescriptor field) =>
        field.FullName.StartsWith(Prefix, StringComparison.Ordinal) && Names.Contains(field.FullName[Prefix.Length..]);
}
