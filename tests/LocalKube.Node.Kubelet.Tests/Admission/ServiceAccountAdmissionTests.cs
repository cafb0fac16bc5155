using k8s.Models;
using LocalKube.Node.ApiServer.Admission;

namespace LocalKube.Node.Kubelet.Tests.Admission;

/// <summary>The kube-api-access volume the ServiceAccount admission adds, as upstream's plugin shapes it.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ServiceAccountAdmissionTests
{
    [Test]
    public void Every_container_mounts_the_projected_token_volume_read_only()
    {
        var spec = new V1PodSpec
        {
            InitContainers = [new V1Container { Name = "init" }],
            Containers = [new V1Container { Name = "a" }, new V1Container { Name = "b", VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }] }],
        };

        ServiceAccountAdmission.Inject(spec);

        var volume = spec.Volumes.Single();
        Assert.Multiple(() =>
        {
            Assert.That(volume.Name, Does.Match("^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$"));
            Assert.That(volume.Projected.DefaultMode, Is.EqualTo(420));
            Assert.That(volume.Projected.Sources[0].ServiceAccountToken.ExpirationSeconds, Is.EqualTo(3607));
            Assert.That(volume.Projected.Sources[0].ServiceAccountToken.Path, Is.EqualTo("token"));
            Assert.That(volume.Projected.Sources[1].ConfigMap.Name, Is.EqualTo("kube-root-ca.crt"));
            Assert.That(volume.Projected.Sources[1].ConfigMap.Items.Single().Path, Is.EqualTo("ca.crt"));
            Assert.That(volume.Projected.Sources[2].DownwardAPI.Items.Single().FieldRef.FieldPath, Is.EqualTo("metadata.namespace"));
            foreach (var container in spec.InitContainers.Concat(spec.Containers))
            {
                var mount = container.VolumeMounts.Single(m => m.Name == volume.Name);
                Assert.That(mount.MountPath, Is.EqualTo("/var/run/secrets/kubernetes.io/serviceaccount"), container.Name);
                Assert.That(mount.ReadOnlyProperty, Is.True, container.Name);
            }

            Assert.That(spec.Containers[1].VolumeMounts.Select(m => m.Name), Is.EqualTo(new[] { "data", volume.Name }), "the container's own mounts are kept first");
        });
    }

    [Test]
    public void A_container_mounting_the_path_itself_keeps_its_own_and_a_second_pass_adds_nothing()
    {
        var own = new V1VolumeMount { Name = "mine", MountPath = "/var/run/secrets/kubernetes.io/serviceaccount/" };
        var spec = new V1PodSpec { Containers = [new V1Container { Name = "a", VolumeMounts = [own] }, new V1Container { Name = "b" }] };

        ServiceAccountAdmission.Inject(spec);
        ServiceAccountAdmission.Inject(spec);

        Assert.Multiple(() =>
        {
            Assert.That(spec.Volumes, Has.Count.EqualTo(1));
            Assert.That(spec.Containers[0].VolumeMounts, Is.EqualTo(new[] { own }));
            Assert.That(spec.Containers[1].VolumeMounts, Has.Count.EqualTo(1));
        });
    }
}
