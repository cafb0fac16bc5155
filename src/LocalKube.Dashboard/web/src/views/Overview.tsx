import { lazy, Suspense, useMemo } from 'react';
import { Link } from 'wouter';
import { objectOf } from '../api/listStore';
import { collectionPath, findType, typeOfKind } from '../api/resources';
import type { KubeObject, TableRow } from '../api/types';
import { watchClient } from '../api/watchClient';
import { Age } from '../components/Age';
import { StatusBadge } from '../components/StatusBadge';
import { inNamespaces, useNamespaces } from '../hooks/useNamespaces';
import { useObjects, useObservable, useTable } from '../hooks/useWatch';
import { cellText, columnIndex, podCategory, type PodCategory } from '../lib/table';
import { toneOfRatio } from '../lib/status';
import { NodeCapacity } from './NodeCapacity';

const PodChart = lazy(() => import('./PodChart'));

const workloadKinds = ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs'] as const;

function useRows(key: string) {
  const type = findType(key)!;
  const [namespaces] = useNamespaces();
  const path = collectionPath(type, namespaces.length === 1 ? namespaces[0] : undefined);
  const list = useTable(path);
  const rows = useMemo(() => list.items.filter((r) => inNamespaces(namespaces, objectOf(r).metadata.namespace)), [list, namespaces]);
  return { rows, columns: list.columns, synced: list.synced, error: list.error };
}

/** healthy/failing for a workload kind, from the READY (a/b) or the DESIRED/READY cells. */
function workloadHealth(key: string, rows: TableRow[], columns: { name: string }[]) {
  const ready = columnIndex(columns as never, 'Ready');
  const desired = columnIndex(columns as never, 'Desired');
  const completions = columnIndex(columns as never, 'Completions');
  const suspend = columnIndex(columns as never, 'Suspend');
  let healthy = 0;
  let failing = 0;
  for (const row of rows) {
    let ok = true;
    if (key === 'cronjobs') ok = cellText(row, suspend) !== 'True';
    else if (key === 'jobs') ok = toneOfRatio(cellText(row, completions)) !== 'bad' || (row.conditions ?? []).some((c) => c.type === 'Completed');
    else if (desired >= 0 && ready >= 0) ok = Number(cellText(row, ready) || 0) >= Number(cellText(row, desired) || 0);
    else if (ready >= 0) ok = toneOfRatio(cellText(row, ready)) === 'ok' || toneOfRatio(cellText(row, ready)) === 'muted';
    if (ok) healthy++;
    else failing++;
  }
  return { healthy, failing };
}

function Tile({ href, title, count, parts, testid }: { href: string; title: string; count: number | string; parts: [string, number, string][]; testid: string }) {
  return (
    <Link href={href} className="card tile" data-testid={testid}>
      <div className="muted">{title}</div>
      <div className="count">{count}</div>
      <div className="split">
        {parts.map(([label, n, tone]) => (
          <span key={label} className={n > 0 ? `text-${tone}` : 'muted'}>
            {n} {label}
          </span>
        ))}
      </div>
    </Link>
  );
}

/** A link that keeps the namespace selection (so "1 failing" opens that namespace's failing pods). */
const keepNamespaces = (href: string, namespaces: string[]) =>
  namespaces.length === 0 ? href : `${href}${href.includes('?') ? '&' : '?'}ns=${encodeURIComponent(namespaces.join(','))}`;

export function Overview() {
  const health = useObservable(watchClient.health);
  const pods = useRows('pods');
  const nodes = useObjects('/api/v1/nodes');
  const events = useObjects('/api/v1/events');
  const [namespaces] = useNamespaces();

  const podCounts = useMemo(() => {
    const status = columnIndex(pods.columns, 'Status');
    const ready = columnIndex(pods.columns, 'Ready');
    const counts: Record<PodCategory, number> = { running: 0, pending: 0, failing: 0, completed: 0 };
    for (const row of pods.rows) counts[podCategory(cellText(row, status), cellText(row, ready))]++;
    return counts;
  }, [pods.rows, pods.columns]);

  const warnings = useMemo(
    () =>
      (events.items as KubeObject[])
        .filter((e) => e.type === 'Warning' && inNamespaces(namespaces, e.metadata.namespace))
        .sort((a, b) => lastSeen(b) - lastSeen(a))
        .slice(0, 12),
    [events.items, namespaces],
  );

  return (
    <div className="stack">
      <h1>Overview</h1>
      <section className="grid tiles" aria-label="Workloads">
        <Tile
          href={keepNamespaces('/pods', namespaces)}
          title="Pods"
          count={pods.synced ? pods.rows.length : '…'}
          testid="tile-pods"
          parts={[
            ['running', podCounts.running, 'ok'],
            ['pending', podCounts.pending, 'progress'],
            ['failing', podCounts.failing, 'bad'],
            ['completed', podCounts.completed, 'muted'],
          ]}
        />
        {workloadKinds.map((key) => (
          <WorkloadTile key={key} kind={key} />
        ))}
      </section>
      {podCounts.failing > 0 && (
        <p>
          <Link href={keepNamespaces('/pods?status=failing', namespaces)} className="text-bad" data-testid="failing-link">
            {podCounts.failing} failing {podCounts.failing === 1 ? 'pod' : 'pods'}: see why →
          </Link>
        </p>
      )}
      <div className="grid two">
        <section className="card" aria-labelledby="health-title">
          <h2 id="health-title">Cluster health</h2>
          <p>
            API server:{' '}
            <StatusBadge status={!health.reachable ? 'Unreachable' : health.ready ? 'Ready' : 'NotReady'} tone={!health.reachable ? 'bad' : health.ready ? 'ok' : 'progress'} />
          </p>
          {health.checks.length > 0 && (
            <ul className="labels" aria-label="Readiness checks (readyz)" style={{ listStyle: 'none', padding: 0 }}>
              {health.checks.map((c) => (
                <li key={c.name}>
                  <StatusBadge status={c.name} tone={c.ok ? 'ok' : 'bad'} />
                </li>
              ))}
            </ul>
          )}
          <h3 style={{ marginTop: 12 }}>Nodes</h3>
          {nodes.synced && nodes.items.length === 0 && <p className="muted">No nodes have registered yet.</p>}
          {(nodes.items as KubeObject[]).map((node) => (
            <NodeCapacity key={node.metadata.name} node={node} compact />
          ))}
        </section>
        <section className="card" aria-labelledby="chart-title">
          <h2 id="chart-title">Pods by state</h2>
          <Suspense fallback={<div className="chart-box" />}>
            <PodChart counts={podCounts} />
          </Suspense>
        </section>
      </div>
      <section className="card" aria-labelledby="warnings-title">
        <h2 id="warnings-title">Recent warnings</h2>
        {warnings.length === 0 ? (
          <p className="muted">{events.synced ? 'No warning events.' : 'Loading…'}</p>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>Last seen</th>
                  <th>Object</th>
                  <th>Reason</th>
                  <th>Message</th>
                  <th>Count</th>
                </tr>
              </thead>
              <tbody>
                {warnings.map((e) => (
                  <tr key={e.metadata.uid}>
                    <td>
                      <Age timestamp={lastSeenText(e)} />
                    </td>
                    <td>
                      <ObjectLink object={e.involvedObject} />
                    </td>
                    <td>
                      <StatusBadge status={e.reason ?? ''} tone="bad" />
                    </td>
                    <td title={e.message}>{e.message}</td>
                    <td className="num">{e.count ?? e.series?.count ?? 1}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function WorkloadTile({ kind }: { kind: (typeof workloadKinds)[number] }) {
  const { rows, columns, synced } = useRows(kind);
  const [namespaces] = useNamespaces();
  const { healthy, failing } = useMemo(() => workloadHealth(kind, rows, columns), [kind, rows, columns]);
  const type = findType(kind)!;
  return (
    <Tile
      href={keepNamespaces(`/${kind}`, namespaces)}
      title={type.kind === 'CronJob' ? 'CronJobs' : `${type.kind}s`}
      count={synced ? rows.length : '…'}
      testid={`tile-${kind}`}
      parts={[
        [kind === 'cronjobs' ? 'active' : 'healthy', healthy, 'ok'],
        [kind === 'cronjobs' ? 'suspended' : 'failing', failing, kind === 'cronjobs' ? 'muted' : 'bad'],
      ]}
    />
  );
}

export function ObjectLink({ object }: { object?: { kind?: string; name?: string; namespace?: string; apiVersion?: string } }) {
  if (!object?.kind || !object.name) return <span>—</span>;
  const type = typeOfKind(object.apiVersion, object.kind);
  const text = `${object.kind.toLowerCase()}/${object.name}`;
  if (!type) return <span>{text}</span>;
  return <Link href={`/${type.key}/${object.namespace ?? '_'}/${object.name}`}>{text}</Link>;
}

const lastSeenText = (e: KubeObject): string | undefined => e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
const lastSeen = (e: KubeObject) => Date.parse(lastSeenText(e) ?? '') || 0;
export { lastSeenText };
