import { useState } from 'react';
import { Link } from 'wouter';
import { objectOf } from '../api/listStore';
import type { ResourceType } from '../api/resources';
import type { KubeObject } from '../api/types';
import { Age } from '../components/Age';
import { ForwardButton } from '../components/ForwardButton';
import { StatusBadge } from '../components/StatusBadge';
import { Children, selectorString } from './Children';
import { NodeCapacity } from './NodeCapacity';
import { useTable } from '../hooks/useWatch';
import { cellText, columnIndex } from '../lib/table';

function Labels({ values }: { values?: Record<string, string> }) {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <span className="labels">
      {entries.map(([k, v]) => (
        <span key={k} className="label">
          {k}={v}
        </span>
      ))}
    </span>
  );
}

function Conditions({ conditions }: { conditions?: any[] }) {
  if (!conditions?.length) return null;
  return (
    <section className="card" aria-labelledby="conditions-title">
      <h2 id="conditions-title">Conditions</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Type</th>
            <th>Status</th>
            <th>Reason</th>
            <th>Message</th>
            <th>Last change</th>
          </tr>
        </thead>
        <tbody>
          {conditions.map((c) => (
            <tr key={c.type}>
              <td>{c.type}</td>
              <td>
                <StatusBadge status={c.status} tone={conditionTone(c)} />
              </td>
              <td>{c.reason ?? ''}</td>
              <td title={c.message} style={{ whiteSpace: 'normal' }}>
                {c.message ?? ''}
              </td>
              <td>{c.lastTransitionTime ?? c.lastUpdateTime ?? c.lastHeartbeatTime ? <Age timestamp={c.lastTransitionTime ?? c.lastUpdateTime ?? c.lastHeartbeatTime} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

// Node pressure conditions are good when False; everything else when True.
const conditionTone = (c: { type: string; status: string }) => {
  const goodWhenFalse = /Pressure|Unavailable|ReplicaFailure|Failed|Suspended/.test(c.type);
  const good = goodWhenFalse ? c.status === 'False' : c.status === 'True';
  return c.status === 'Unknown' ? 'progress' : good ? 'ok' : 'bad';
};

function containerState(s: any): string {
  if (s?.state?.running) return 'Running';
  if (s?.state?.waiting) return s.state.waiting.reason ?? 'Waiting';
  if (s?.state?.terminated) return s.state.terminated.reason ?? `ExitCode:${s.state.terminated.exitCode}`;
  return 'Waiting';
}

function Containers({ pod }: { pod: KubeObject }) {
  const statuses = new Map<string, any>([...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map((s: any) => [s.name, s]));
  const all = [...(pod.spec?.initContainers ?? []).map((c: any) => ({ ...c, init: true })), ...(pod.spec?.containers ?? [])];
  return (
    <section className="card" aria-labelledby="containers-title">
      <h2 id="containers-title">Containers</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Name</th>
            <th>Image</th>
            <th>State</th>
            <th>Ready</th>
            <th>Restarts</th>
            <th>Ports</th>
          </tr>
        </thead>
        <tbody>
          {all.map((c: any) => {
            const s = statuses.get(c.name);
            return (
              <tr key={c.name}>
                <td>
                  {c.name}
                  {c.init && <span className="muted small"> (init)</span>}
                </td>
                <td className="mono" title={c.image}>
                  {c.image}
                </td>
                <td>
                  <StatusBadge status={containerState(s)} />
                </td>
                <td>{s?.ready ? 'yes' : 'no'}</td>
                <td className="num">{s?.restartCount ?? 0}</td>
                <td>
                  {(c.ports ?? []).map((p: any) => (
                    <span key={p.containerPort} className="row-flex">
                      {p.containerPort}/{p.protocol ?? 'TCP'}
                      {p.name ? ` (${p.name})` : ''}
                      {(p.protocol ?? 'TCP') === 'TCP' && <ForwardButton namespace={pod.metadata.namespace!} kind="pod" name={pod.metadata.name} port={p.containerPort} />}
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function DataKeys({ object, secret }: { object: KubeObject; secret: boolean }) {
  const [shown, setShown] = useState<string | null>(null);
  const data: Record<string, string> = { ...(object.data ?? {}), ...(object.binaryData ?? {}) };
  const keys = Object.keys(data);
  return (
    <section className="card" aria-labelledby="data-title">
      <h2 id="data-title">Data ({keys.length})</h2>
      {keys.length === 0 && <p className="muted">No keys.</p>}
      <dl className="fields">
        {keys.map((k) => {
          const raw = data[k];
          const value = secret ? (shown === k ? safeDecode(raw) : `${atobLength(raw)} bytes`) : raw;
          return (
            <div key={k} style={{ display: 'contents' }}>
              <dt className="mono">{k}</dt>
              <dd>
                <pre style={{ margin: 0, whiteSpace: 'pre-wrap', maxHeight: 200, overflow: 'auto' }}>{value}</pre>
                {secret && (
                  <button type="button" className="btn small" onClick={() => setShown(shown === k ? null : k)}>
                    {shown === k ? 'Hide' : 'Reveal'}
                  </button>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

const safeDecode = (b64: string) => {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return b64;
  }
};
const atobLength = (b64: string) => {
  try {
    return atob(b64).length;
  } catch {
    return b64.length;
  }
};

export function OverviewTab({ type, object }: { type: ResourceType; object: KubeObject }) {
  const meta = object.metadata;
  const ns = meta.namespace ?? '';
  const spec = object.spec ?? {};
  const status = object.status ?? {};
  const selector = selectorString(spec.selector);
  return (
    <div className="stack">
      <section className="card" aria-label="Summary">
        <dl className="fields">
          {meta.namespace && (
            <>
              <dt>Namespace</dt>
              <dd>{meta.namespace}</dd>
            </>
          )}
          <dt>Labels</dt>
          <dd>
            <Labels values={meta.labels} />
          </dd>
          <dt>Annotations</dt>
          <dd>
            <Labels values={Object.fromEntries(Object.entries(meta.annotations ?? {}).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration'))} />
          </dd>
          <dt>Created</dt>
          <dd>{meta.creationTimestamp ? new Date(meta.creationTimestamp).toLocaleString() : '—'}</dd>
          {type.key === 'pods' && (
            <>
              <dt>Node</dt>
              <dd>{spec.nodeName ? <Link href={`/nodes/_/${spec.nodeName}`}>{spec.nodeName}</Link> : <span className="muted">not scheduled</span>}</dd>
              <dt>Pod IP</dt>
              <dd>{status.podIP ?? '—'}</dd>
              <dt>QoS class</dt>
              <dd>{status.qosClass ?? '—'}</dd>
            </>
          )}
          {typeof spec.replicas === 'number' && (
            <>
              <dt>Replicas</dt>
              <dd data-testid="replicas">
                {spec.replicas} desired · {status.updatedReplicas ?? 0} updated · {status.readyReplicas ?? 0} ready · {status.availableReplicas ?? 0} available
              </dd>
            </>
          )}
          {selector !== undefined && (
            <>
              <dt>Selector</dt>
              <dd className="mono">{selector || '—'}</dd>
            </>
          )}
          {type.key === 'deployments' && (
            <>
              <dt>Strategy</dt>
              <dd>{spec.strategy?.type ?? 'RollingUpdate'}{spec.paused ? ' (paused)' : ''}</dd>
            </>
          )}
          {type.key === 'cronjobs' && (
            <>
              <dt>Schedule</dt>
              <dd className="mono">{spec.schedule}</dd>
              <dt>Suspended</dt>
              <dd>{spec.suspend ? 'yes' : 'no'}</dd>
              <dt>Last schedule</dt>
              <dd>{status.lastScheduleTime ? <Age timestamp={status.lastScheduleTime} /> : 'never'}</dd>
            </>
          )}
          {type.key === 'services' && (
            <>
              <dt>Type</dt>
              <dd>{spec.type}</dd>
              <dt>Cluster IP</dt>
              <dd>{spec.clusterIP}</dd>
              <dt>Ports</dt>
              <dd>
                {(spec.ports ?? []).map((p: any) => (
                  <span key={`${p.port}/${p.protocol}`} className="row-flex">
                    {p.name ? `${p.name}: ` : ''}
                    {p.port}
                    {p.nodePort ? `:${p.nodePort}` : ''}/{p.protocol ?? 'TCP'} → {p.targetPort ?? p.port}
                    {(p.protocol ?? 'TCP') === 'TCP' && <ForwardButton namespace={ns} kind="service" name={meta.name} port={p.port} />}
                  </span>
                ))}
              </dd>
            </>
          )}
          {type.key === 'nodes' && (
            <>
              <dt>Addresses</dt>
              <dd>{(status.addresses ?? []).map((a: any) => `${a.type}: ${a.address}`).join(', ') || '—'}</dd>
              <dt>Taints</dt>
              <dd>
                {(spec.taints ?? []).length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  <span className="labels">
                    {spec.taints.map((t: any) => (
                      <span key={`${t.key}:${t.effect}`} className="label">
                        {t.key}
                        {t.value ? `=${t.value}` : ''}:{t.effect}
                      </span>
                    ))}
                  </span>
                )}
              </dd>
              <dt>System</dt>
              <dd>
                {status.nodeInfo
                  ? [status.nodeInfo.osImage, status.nodeInfo.kernelVersion && `kernel ${status.nodeInfo.kernelVersion}`, status.nodeInfo.containerRuntimeVersion, status.nodeInfo.kubeletVersion && `kubelet ${status.nodeInfo.kubeletVersion}`].filter(Boolean).join(', ')
                  : '—'}
              </dd>
            </>
          )}
        </dl>
      </section>
      {type.key === 'nodes' && (
        <section className="card" aria-label="Capacity">
          <h2>Allocated resources</h2>
          <NodeCapacity node={object} />
        </section>
      )}
      {type.key === 'pods' && <Containers pod={object} />}
      <Conditions conditions={status.conditions} />
      {(type.key === 'configmaps' || type.key === 'secrets') && <DataKeys object={object} secret={type.key === 'secrets'} />}
      {type.key === 'deployments' && <Children kind="replicasets" namespace={ns} selector={selector} ownerUid={meta.uid} title="ReplicaSets" />}
      {type.key === 'cronjobs' && <Children kind="jobs" namespace={ns} selector="" ownerUid={meta.uid} title="Jobs" />}
      {['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'replicationcontrollers', 'services'].includes(type.key) && selector && (
        <Children kind="pods" namespace={ns} selector={selector} ownerUid={type.key === 'deployments' || type.key === 'services' ? undefined : meta.uid} title="Pods" />
      )}
      {type.key === 'nodes' && <NodePods node={meta.name} />}
    </div>
  );
}

function NodePods({ node }: { node: string }) {
  const list = useTable('/api/v1/pods', { fieldSelector: `spec.nodeName=${node}` });
  const status = columnIndex(list.columns, 'Status');
  return (
    <section className="card" aria-label="Pods on this node">
      <h2>
        Pods <span className="muted">({list.items.length})</span>
      </h2>
      <table className="data">
        <tbody>
          {list.items.map((r) => {
            const meta = objectOf(r).metadata;
            return (
              <tr key={meta.uid}>
                <td className="muted">{meta.namespace}</td>
                <td>
                  <Link href={`/pods/${meta.namespace}/${meta.name}`}>{meta.name}</Link>
                </td>
                <td>{'cells' in r && <StatusBadge status={cellText(r, status)} />}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
