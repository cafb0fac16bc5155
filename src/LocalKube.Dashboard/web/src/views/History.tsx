import { useMemo, useState } from 'react';
import { stringify } from 'yaml';
import { Link } from 'wouter';
import { send } from '../api/http';
import type { KubeObject } from '../api/types';
import { Age } from '../components/Age';
import { CopyCommand } from '../components/CopyCommand';
import { WithReason } from '../components/Disabled';
import { useForbidden } from '../hooks/useCanI';
import { useObjects } from '../hooks/useWatch';
import { lineDiff } from '../lib/lineDiff';
import { selectorString } from './Children';

const revisionKey = 'deployment.kubernetes.io/revision';
// kubectl rollout undo keeps these from the Deployment and takes every other annotation from the ReplicaSet.
const skipped = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionKey,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

const withoutHash = (template: any) => {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy;
};

/** Rollout history as `kubectl rollout history` shows it, a template diff per revision, and undo to any of them. */
export default function History({ deployment }: { deployment: KubeObject }) {
  const ns = deployment.metadata.namespace!;
  const name = deployment.metadata.name;
  const sets = useObjects(`/apis/apps/v1/namespaces/${ns}/replicasets`, { labelSelector: selectorString(deployment.spec?.selector) });
  const [open, setOpen] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [forbidden] = useForbidden([{ verb: 'patch', group: 'apps', resource: 'deployments', namespace: ns, name }]);

  const revisions = useMemo(
    () =>
      (sets.items as KubeObject[])
        .filter((rs) => (rs.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === deployment.metadata.uid))
        .filter((rs) => rs.metadata.annotations?.[revisionKey])
        .sort((a, b) => Number(b.metadata.annotations![revisionKey]) - Number(a.metadata.annotations![revisionKey])),
    [sets.items, deployment.metadata.uid],
  );
  const current = deployment.metadata.annotations?.[revisionKey];
  const currentYaml = stringify(withoutHash(deployment.spec?.template));

  async function undo(rs: KubeObject) {
    const revision = rs.metadata.annotations![revisionKey];
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(deployment.metadata.annotations ?? {})) if (skipped.has(k)) annotations[k] = v;
    for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!skipped.has(k)) annotations[k] = v;
    try {
      await send(
        'PATCH',
        `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
        [
          { op: 'replace', path: '/spec/template', value: withoutHash(rs.spec?.template) },
          { op: 'replace', path: '/metadata/annotations', value: annotations },
        ],
        'application/json-patch+json',
      );
      setResult({ ok: true, text: `Rolled back to revision ${revision}.` });
    } catch (e) {
      setResult({ ok: false, text: `Undo failed: ${(e as Error).message}` });
    }
  }

  if (sets.synced && revisions.length === 0) {
    return <p className="muted">No revisions yet: the deployment controller has not created a ReplicaSet for this Deployment.</p>;
  }
  return (
    <div className="stack">
      {result && (
        <div className={result.ok ? 'notice' : 'errors'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </div>
      )}
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th>Revision</th>
              <th>Images</th>
              <th>Change cause</th>
              <th>ReplicaSet</th>
              <th>Age</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {revisions.map((rs) => {
              const revision = rs.metadata.annotations![revisionKey];
              const images = (rs.spec?.template?.spec?.containers ?? []).map((c: any) => c.image).join(', ');
              return (
                <tr key={rs.metadata.uid}>
                  <td>
                    {revision}
                    {revision === current && <span className="muted"> (current)</span>}
                  </td>
                  <td className="mono">{images}</td>
                  <td>{rs.metadata.annotations?.['kubernetes.io/change-cause'] ?? <span className="muted">—</span>}</td>
                  <td>
                    <Link href={`/replicasets/${ns}/${rs.metadata.name}`}>{rs.metadata.name}</Link>
                  </td>
                  <td>
                    <Age timestamp={rs.metadata.creationTimestamp} />
                  </td>
                  <td>
                    <span className="btn-group">
                      <button type="button" className="btn small" aria-expanded={open === revision} onClick={() => setOpen(open === revision ? null : revision)}>
                        Diff
                      </button>
                      {revision !== current && (
                        <WithReason reason={forbidden}>
                          <button type="button" className="btn small" disabled={!!forbidden} onClick={() => undo(rs)}>
                            Undo to {revision}
                          </button>
                        </WithReason>
                      )}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {open && (
        <section className="card" aria-label={`Template of revision ${open} against the current one`}>
          <h2>Revision {open} → current template</h2>
          <pre style={{ margin: 0, maxHeight: 400, overflow: 'auto' }}>
            {lineDiff(stringify(withoutHash(revisions.find((r) => r.metadata.annotations![revisionKey] === open)?.spec?.template)), currentYaml).map((line, i) => (
              <div key={i} className={line.kind === '+' ? 'text-ok' : line.kind === '-' ? 'text-bad' : 'muted'}>
                {line.kind} {line.text}
              </div>
            ))}
          </pre>
          <CopyCommand command={`kubectl rollout undo deployment/${name} --to-revision=${open} -n ${ns}`} />
        </section>
      )}
    </div>
  );
}
