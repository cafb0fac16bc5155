using k8s.Models;

namespace LocalKube.Dashboard.Explain;

/// <summary>Every ConfigMap, Secret (and key) and claim a pod's spec needs, except the ones marked optional.</summary>
internal static class PodReferences
{
    public static List<MissingReference> Collect(V1Pod pod)
    {
        var found = new List<MissingReference>();
        var spec = pod.Spec;
        if (spec is null)
        {
            return found;
        }

        foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers ?? []))
        {
            foreach (var env in container.Env ?? [])
            {
                var where = $"env {env.Name} of container {container.Name}";
                if (env.ValueFrom?.ConfigMapKeyRef is { } cm && cm.Optional != true && !string.IsNullOrEmpty(cm.Name))
                {
                    found.Add(new MissingReference("ConfigMap", cm.Name, cm.Key, where));
                }

                if (env.ValueFrom?.SecretKeyRef is { } secret && secret.Optional != true && !string.IsNullOrEmpty(secret.Name))
                {
                    found.Add(new MissingReference("Secret", secret.Name, secret.Key, where));
                }
            }

            foreach (var source in container.EnvFrom ?? [])
            {
                var where = $"envFrom of container {container.Name}";
                if (source.ConfigMapRef is { } cm && cm.Optional != true && !string.IsNullOrEmpty(cm.Name))
                {
                    found.Add(new MissingReference("ConfigMap", cm.Name, null, where));
                }

                if (source.SecretRef is { } secret && secret.Optional != true && !string.IsNullOrEmpty(secret.Name))
                {
                    found.Add(new MissingReference("Secret", secret.Name, null, where));
                }
            }
        }

        foreach (var volume in spec.Volumes ?? [])
        {
            var where = $"volume {volume.Name}";
            if (volume.ConfigMap is { } cm && cm.Optional != true && !string.IsNullOrEmpty(cm.Name))
            {
                found.Add(new MissingReference("ConfigMap", cm.Name, null, where));
                found.AddRange((cm.Items ?? []).Select(i => new MissingReference("ConfigMap", cm.Name, i.Key, where)));
            }

            if (volume.Secret is { } secret && secret.Optional != true && !string.IsNullOrEmpty(secret.SecretName))
            {
                found.Add(new MissingReference("Secret", secret.SecretName, null, where));
                found.AddRange((secret.Items ?? []).Select(i => new MissingReference("Secret", secret.SecretName, i.Key, where)));
            }

            if (volume.PersistentVolumeClaim is { } claim && !string.IsNullOrEmpty(claim.ClaimName))
            {
                found.Add(new MissingReference("PersistentVolumeClaim", claim.ClaimName, null, where));
            }

            foreach (var projection in volume.Projected?.Sources ?? [])
            {
                if (projection.ConfigMap is { } pcm && pcm.Optional != true && !string.IsNullOrEmpty(pcm.Name))
                {
                    found.Add(new MissingReference("ConfigMap", pcm.Name, null, where));
                }

                if (projection.Secret is { } ps && ps.Optional != true && !string.IsNullOrEmpty(ps.Name))
                {
                    found.Add(new MissingReference("Secret", ps.Name, null, where));
                }
            }
        }

        return found;
    }
}
