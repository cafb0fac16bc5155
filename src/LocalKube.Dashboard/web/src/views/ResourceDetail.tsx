import * as Tabs from '@radix-ui/react-tabs';
import { lazy, Suspense, useMemo } from 'react';
import { Link, useSearchParams } from 'wouter';
import { collectionPath, findType, resourceTypes, typeOfKind, type ResourceType } from '../api/resources';
import type { KubeObject } from '../api/types';
import { Age } from '../components/Age';
import { ExplainPanel } from '../components/ExplainPanel';
import { StatusBadge } from '../components/StatusBadge';
import { plural } from '../components/Sidebar';
import { useObject, useObjects, useObservable } from '../hooks/useWatch';
import { podStatus } from '../lib/podStatus';
import { Actions } from './Actions';
import { EventsTab } from './EventsTab';
import { HistoryTab } from './HistoryTab';
import { nodeReady } from './NodeCapacity';
import { OverviewTab } from './OverviewTab';

const YamlTab = lazy(() => import('./YamlTab'));
const LogsTab = lazy(() => import('./LogsTab'));
const ShellTab = lazy(() => import('./ShellTab'));
const WorkloadLogsTab = lazy(() => import('./WorkloadLogsTab'));

const withPods = new Set(['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs']);

const explained = new Set(['pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs']);

export function ResourceDetail({ resource, namespace, name }: { resource: string; namespace: string; name: string }) {
  useObservable(resourceTypes);
  const type = findType(resource);
  if (!type) return <p className="muted">Unknown resource type “{resource}”.</p>;
  return <Detail key={`${resource}/${namespace}/${name}`} type={type} namespace={namespace === '_' ? undefined : namespace} name={name} />;
}

export function statusOf(type: ResourceType, object: KubeObject): string {
  if (type.key === 'pods') return podStatus(object);
  if (type.key === 'nodes') return nodeReady(object);
  if (object.status?.phase) return object.status.phase;
  if (typeof object.spec?.replicas === 'number') {
    const ready = object.status?.readyReplicas ?? 0;
    return ready >= object.spec.replicas ? 'Ready' : `${ready}/${object.spec.replicas} ready`;
  }
  return '';
}

function Detail({ type, namespace, name }: { type: ResourceType; namespace?: string; name: string }) {
  const [params, setParams] = useSearchParams();
  const { object, synced, error } = useObject(collectionPath(type, namespace), name);
  const events = useObjects(namespace ? `/api/v1/namespaces/${namespace}/events` : '/api/v1/events', {
    fieldSelector: `involvedObject.name=${name}${namespace ? `,involvedObject.namespace=${namespace}` : ''}`,
  });
  const tab = params.get('tab') ?? 'overview';
  const setTab = (value: string) =>
    setParams(
      (p) => {
        if (value === 'overview') p.delete('tab');
        else p.set('tab', value);
        return p;
      },
      { replace: false },
    );
  const eventsVersion = useMemo(() => (events.items as KubeObject[]).map((e) => e.metadata.resourceVersion).join(','), [events.items]);

  if (error) return <div className="errors">Cannot read {type.kind} {name}: {error.message}</div>;
  if (!object) {
    return synced ? (
      <div className="notice" role="status">
        {type.kind} “{name}” {namespace ? `in namespace ${namespace} ` : ''}does not exist (or was deleted). <Link href={`/${type.key}`}>Back to the list</Link>
      </div>
    ) : (
      <p className="muted">Loading…</p>
    );
  }

  const controller = (object.metadata.ownerReferences ?? []).filter((o) => o.controller);
  const status = statusOf(type, object);
  const tabs: [string, string][] = [
    ['overview', 'Overview'],
    ['yaml', 'YAML'],
    ['events', `Events (${events.items.length})`],
  ];
  if (type.key === 'pods') tabs.splice(1, 0, ['logs', 'Logs'], ['shell', 'Shell']);
  if (withPods.has(type.key)) tabs.splice(1, 0, ['logs', 'Logs (all pods)']);
  if (type.key === 'deployments') tabs.push(['history', 'History']);

  return (
    <div>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={`/${type.key}`}>{plural(type.kind)}</Link>
        {namespace && (
          <>
            <span aria-hidden="true">›</span>
            <Link href={`/${type.key}?ns=${namespace}`}>{namespace}</Link>
          </>
        )}
        {controller.map((o) => {
          const owner = typeOfKind(o.apiVersion, o.kind);
          return (
            <span key={o.uid}>
              <span aria-hidden="true">› </span>owned by{' '}
              {owner ? <Link href={`/${owner.key}/${namespace ?? '_'}/${o.name}`}>{`${o.kind} ${o.name}`}</Link> : `${o.kind} ${o.name}`}
            </span>
          );
        })}
      </nav>
      <div className="detail-head">
        <h1>
          <span className="muted">{type.kind}</span> {name}
        </h1>
        {status && <StatusBadge status={status} tone={/^\d+\/\d+ ready$/.test(status) ? (status.startsWith('0/') ? 'bad' : 'progress') : undefined} />}
        <span className="muted small">
          created <Age timestamp={object.metadata.creationTimestamp} /> ago
        </span>
      </div>
      <Actions type={type} object={object} />
      {explained.has(type.key) && namespace && (
        <div style={{ marginTop: 12 }}>
          <ExplainPanel resource={type.key} namespace={namespace} name={name} revision={`${object.metadata.resourceVersion}|${eventsVersion}`} />
        </div>
      )}
      <Tabs.Root value={tab} onValueChange={setTab}>
        <Tabs.List className="tabs-list" aria-label={`${type.kind} views`}>
          {tabs.map(([value, label]) => (
            <Tabs.Trigger key={value} value={value}>
              {label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Tabs.Content value="overview">
            <OverviewTab type={type} object={object} />
          </Tabs.Content>
          {type.key === 'pods' && (
            <>
              <Tabs.Content value="logs">{tab === 'logs' && <LogsTab pod={object} />}</Tabs.Content>
              <Tabs.Content value="shell">{tab === 'shell' && <ShellTab pod={object} />}</Tabs.Content>
            </>
          )}
          <Tabs.Content value="yaml">{tab === 'yaml' && <YamlTab type={type} object={object} />}</Tabs.Content>
          <Tabs.Content value="events">
            <EventsTab events={events.items as KubeObject[]} />
          </Tabs.Content>
          {withPods.has(type.key) && <Tabs.Content value="logs">{tab === 'logs' && <WorkloadLogsTab workload={object} />}</Tabs.Content>}
          {type.key === 'deployments' && <Tabs.Content value="history">{tab === 'history' && <HistoryTab deployment={object} />}</Tabs.Content>}
        </Suspense>
      </Tabs.Root>
    </div>
  );
}
