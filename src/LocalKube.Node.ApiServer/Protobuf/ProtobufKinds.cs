using Google.Protobuf.Reflection;
using LocalKube.Node.ApiServer.Protobuf.Kube.AppsV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.AuthenticationV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.AuthorizationV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.AutoscalingV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.BatchV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.CoreV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.NetworkingV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.PolicyV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.RbacV1;
using LocalKube.Node.ApiServer.Protobuf.Kube.SchedulingV1;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// The kinds whose protobuf encoding we decode, by apiVersion and kind: what kubectl's typed commands post
/// (create &lt;generator&gt;, create token, auth can-i) plus the workloads and reviews that share their schemas.
/// </summary>
internal static class ProtobufKinds
{
    private static readonly Dictionary<(string ApiVersion, string Kind), MessageDescriptor> Messages = Build(
        ("v1", CoreV1Reflection.Descriptor, ["Namespace", "ConfigMap", "Secret", "Service", "ServiceAccount", "ResourceQuota", "Pod", "PodTemplate"]),
        ("apps/v1", AppsV1Reflection.Descriptor, ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"]),
        ("batch/v1", BatchV1Reflection.Descriptor, ["Job", "CronJob"]),
        ("scheduling.k8s.io/v1", SchedulingV1Reflection.Descriptor, ["PriorityClass"]),
        ("policy/v1", PolicyV1Reflection.Descriptor, ["PodDisruptionBudget", "Eviction"]),
        ("rbac.authorization.k8s.io/v1", RbacV1Reflection.Descriptor, ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]),
        ("networking.k8s.io/v1", NetworkingV1Reflection.Descriptor, ["Ingress"]),
        ("autoscaling/v1", AutoscalingV1Reflection.Descriptor, ["Scale"]),
        ("authentication.k8s.io/v1", AuthenticationV1Reflection.Descriptor, ["TokenRequest", "TokenReview", "SelfSubjectReview"]),
        ("authorization.k8s.io/v1", AuthorizationV1Reflection.Descriptor,
            ["SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectRulesReview"]));

    /// <summary>The message for <paramref name="apiVersion"/>/<paramref name="kind"/>, or null when we have none.</summary>
    public static MessageDescriptor? Find(string apiVersion, string kind) =>
        Messages.TryGetValue((apiVersion, kind), out var message) ? message : null;

    private static Dictionary<(string, string), MessageDescriptor> Build(params (string ApiVersion, FileDescriptor File, string[] Kinds)[] groups)
    {
        var messages = new Dictionary<(string, string), MessageDescriptor>();
        foreach (var (apiVersion, file, kinds) in groups)
        {
            foreach (var kind in kinds)
            {
                messages.Add((apiVersion, kind), file.FindTypeByName<MessageDescriptor>(kind)
                    ?? throw new InvalidOperationException($"no message {kind} in {file.Name}"));
            }
        }

        return messages;
    }
}
