import { getJson } from './http';
import { Observable } from './observable';

export interface ResourceType {
  /** Route key: the plural for built-ins (`pods`), `plural.group` for custom resources. */
  key: string;
  resource: string;
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  section: string;
  verbs?: string[];
  /** The Go-style shortcut after `g` (`g p` for pods). */
  hotkey?: string;
}

type Row = [resource: string, group: string, version: string, kind: string, namespaced: boolean, section: string, hotkey?: string];

// Built-ins, so the navigation and deep links work before discovery answers. Discovery adds the rest (CRDs).
const builtIn: Row[] = [
  ['pods', '', 'v1', 'Pod', true, 'Workloads', 'p'],
  ['deployments', 'apps', 'v1', 'Deployment', true, 'Workloads', 'd'],
  ['replicasets', 'apps', 'v1', 'ReplicaSet', true, 'Workloads', 'r'],
  ['statefulsets', 'apps', 'v1', 'StatefulSet', true, 'Workloads', 't'],
  ['daemonsets', 'apps', 'v1', 'DaemonSet', true, 'Workloads', 'a'],
  ['jobs', 'batch', 'v1', 'Job', true, 'Workloads', 'j'],
  ['cronjobs', 'batch', 'v1', 'CronJob', true, 'Workloads', 'c'],
  ['replicationcontrollers', '', 'v1', 'ReplicationController', true, 'Workloads'],
  ['services', '', 'v1', 'Service', true, 'Network', 's'],
  ['endpointslices', 'discovery.k8s.io', 'v1', 'EndpointSlice', true, 'Network'],
  ['endpoints', '', 'v1', 'Endpoints', true, 'Network'],
  ['ingresses', 'networking.k8s.io', 'v1', 'Ingress', true, 'Network', 'i'],
  ['ingressclasses', 'networking.k8s.io', 'v1', 'IngressClass', false, 'Network'],
  ['networkpolicies', 'networking.k8s.io', 'v1', 'NetworkPolicy', true, 'Network'],
  ['configmaps', '', 'v1', 'ConfigMap', true, 'Config', 'm'],
  ['secrets', '', 'v1', 'Secret', true, 'Config'],
  ['horizontalpodautoscalers', 'autoscaling', 'v2', 'HorizontalPodAutoscaler', true, 'Config'],
  ['poddisruptionbudgets', 'policy', 'v1', 'PodDisruptionBudget', true, 'Config'],
  ['resourcequotas', '', 'v1', 'ResourceQuota', true, 'Config'],
  ['limitranges', '', 'v1', 'LimitRange', true, 'Config'],
  ['priorityclasses', 'scheduling.k8s.io', 'v1', 'PriorityClass', false, 'Config'],
  ['runtimeclasses', 'node.k8s.io', 'v1', 'RuntimeClass', false, 'Config'],
  ['leases', 'coordination.k8s.io', 'v1', 'Lease', true, 'Config'],
  ['persistentvolumeclaims', '', 'v1', 'PersistentVolumeClaim', true, 'Storage', 'v'],
  ['persistentvolumes', '', 'v1', 'PersistentVolume', false, 'Storage'],
  ['storageclasses', 'storage.k8s.io', 'v1', 'StorageClass', false, 'Storage'],
  ['serviceaccounts', '', 'v1', 'ServiceAccount', true, 'Access'],
  ['roles', 'rbac.authorization.k8s.io', 'v1', 'Role', true, 'Access'],
  ['rolebindings', 'rbac.authorization.k8s.io', 'v1', 'RoleBinding', true, 'Access'],
  ['clusterroles', 'rbac.authorization.k8s.io', 'v1', 'ClusterRole', false, 'Access'],
  ['clusterrolebindings', 'rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', false, 'Access'],
  ['nodes', '', 'v1', 'Node', false, 'Cluster', 'n'],
  ['namespaces', '', 'v1', 'Namespace', false, 'Cluster'],
  ['events', '', 'v1', 'Event', true, 'Cluster', 'e'],
  ['customresourcedefinitions', 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', false, 'Cluster'],
  ['apiservices', 'apiregistration.k8s.io', 'v1', 'APIService', false, 'Cluster'],
  ['mutatingwebhookconfigurations', 'admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', false, 'Cluster'],
  ['validatingwebhookconfigurations', 'admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', false, 'Cluster'],
];

export const sections = ['Workloads', 'Network', 'Config', 'Storage', 'Access', 'Cluster', 'Custom resources'];

const initial = builtIn.map(([resource, group, version, kind, namespaced, section, hotkey]) => ({
  key: resource,
  resource,
  group,
  version,
  kind,
  namespaced,
  section,
  hotkey,
}));

export const resourceTypes = new Observable<ResourceType[]>(initial);

export const findType = (key: string): ResourceType | undefined => resourceTypes.get().find((t) => t.key === key);

export const typeOfKind = (apiVersion: string | undefined, kind: string): ResourceType | undefined => {
  const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : '';
  return resourceTypes.get().find((t) => t.kind === kind && t.group === group) ?? resourceTypes.get().find((t) => t.kind === kind);
};

export const basePath = (t: Pick<ResourceType, 'group' | 'version'>) => (t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`);

/** The collection path: cluster-wide, or in one namespace. */
export const collectionPath = (t: ResourceType, namespace?: string) =>
  `${basePath(t)}${t.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${t.resource}`;

export const objectPath = (t: ResourceType, namespace: string | undefined, name: string) =>
  `${collectionPath(t, t.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;

export const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

/** Adds what discovery finds beyond the built-ins (custom resources, other groups). */
export async function discover(): Promise<void> {
  try {
    const groups = await getJson<{ groups: { name: string; preferredVersion: { groupVersion: string; version: string } }[] }>('/apis');
    const known = new Set(initial.map((t) => `${t.group}/${t.resource}`));
    const found: ResourceType[] = [];
    await Promise.all(
      groups.groups.map(async (g) => {
        const list = await getJson<{ resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[] }>(`/apis/${g.preferredVersion.groupVersion}`);
        for (const r of list.resources) {
          if (r.name.includes('/') || !r.verbs.includes('list') || known.has(`${g.name}/${r.name}`)) continue;
          const builtin = g.name.endsWith('.k8s.io') || !g.name.includes('.');
          found.push({
            key: `${r.name}.${g.name}`,
            resource: r.name,
            group: g.name,
            version: g.preferredVersion.version,
            kind: r.kind,
            namespaced: r.namespaced,
            section: builtin ? 'Cluster' : 'Custom resources',
            verbs: r.verbs,
          });
        }
      }),
    );
    if (found.length > 0) resourceTypes.set([...initial, ...found.sort((a, b) => a.kind.localeCompare(b.kind))]);
  } catch {
    // Discovery is a bonus: the built-ins work without it.
  }
}
