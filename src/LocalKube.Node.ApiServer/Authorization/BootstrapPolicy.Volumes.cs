using k8s.Models;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Upstream roles of the volume and eviction paths that the core and controller lists leave out:
/// <c>system:volume-scheduler</c> (bound to the scheduler, which pre-binds volumes and selects nodes for
/// WaitForFirstConsumer claims), <c>system:persistent-volume-provisioner</c> (bound, as minikube's storage-provisioner
/// addon binds it, to <c>kube-system/storage-provisioner</c>, which the hostPath provisioner acts as), and
/// <c>system:controller:taint-eviction-controller</c>, and kubeadm's <c>system:coredns</c> (bound to
/// <c>kube-system/coredns</c>, which cluster DNS acts as).
/// </summary>
public static partial class BootstrapPolicy
{
    private const string ReadUpdate = "get,list,watch,update,patch";

    private static IReadOnlyList<V1ClusterRole> VolumeRoles() =>
    [
        Role("system:volume-scheduler", null, null,
            R(ReadUpdate, "", "persistentvolumes"),
            R(Read, "storage.k8s.io", "storageclasses"),
            R(ReadUpdate, "", "persistentvolumeclaims")),
        Role("system:persistent-volume-provisioner", null, null,
            R("get,list,watch,create,delete", "", "persistentvolumes"),
            R("get,list,watch,update", "", "persistentvolumeclaims"),
            R(Read, "storage.k8s.io", "storageclasses"),
            R("watch", "", "events"),
            R(Events, ",events.k8s.io", "events")),
        Role(ControllerRolePrefix + "taint-eviction-controller", null, null,
            R(Read, "", "nodes"),
            R("list,watch,delete", "", "pods"),
            R("patch", "", "pods/status"),
            R(Events, ",events.k8s.io", "events")),

        // kubeadm's CoreDNS addon role, for cluster DNS acting as kube-system/coredns.
        Role("system:coredns", null, null,
            R("list,watch", "", "endpoints,services,pods,namespaces"),
            R("list,watch", "discovery.k8s.io", "endpointslices")),
    ];

    private static IReadOnlyList<V1ClusterRoleBinding> VolumeRoleBindings() =>
    [
        Binding("system:volume-scheduler", User("system:kube-scheduler")),
        ProvisionerBinding(),
        Binding(ControllerRolePrefix + "taint-eviction-controller", ServiceAccount("kube-system", "taint-eviction-controller")),
        Binding("system:coredns", ServiceAccount("kube-system", "coredns")),
    ];

    // minikube's storage-provisioner addon binds its service account to the provisioner role under its own name.
    private static V1ClusterRoleBinding ProvisionerBinding()
    {
        var binding = Binding("storage-provisioner", ServiceAccount("kube-system", "storage-provisioner"));
        binding.RoleRef.Name = "system:persistent-volume-provisioner";
        return binding;
    }
}
