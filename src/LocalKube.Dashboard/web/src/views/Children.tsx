import { useMemo } from 'react';
import { Link } from 'wouter';
import { objectOf } from '../api/listStore';
import { collectionPath, findType } from '../api/resources';
import { Age } from '../components/Age';
import { StatusBadge } from '../components/StatusBadge';
import { useTable } from '../hooks/useWatch';
import { toneOfRatio } from '../lib/status';
import { cellText, columnIndex } from '../lib/table';

/** Live children of a workload: the objects of `kind` matching its selector (and owned by it, when ownerUid is given). */
export function Children({ kind, namespace, selector, ownerUid, title }: { kind: string; namespace: string; selector?: string; ownerUid?: string; title?: string }) {
  const type = findType(kind)!;
  const list = useTable(selector === undefined ? null : collectionPath(type, namespace), { labelSelector: selector || undefined });
  const rows = useMemo(
    () =>
      list.items.filter((r) => !ownerUid || (objectOf(r).metadata.ownerReferences ?? []).some((o) => o.uid === ownerUid)),
    [list.items, ownerUid],
  );
  const status = columnIndex(list.columns, 'Status');
  const ready = columnIndex(list.columns, 'Ready');
  const desired = columnIndex(list.columns, 'Desired');
  return (
    <section className="card" aria-label={title ?? kind}>
      <h2>
        {title ?? type.kind + 's'} <span className="muted">({rows.length})</span>
      </h2>
      {rows.length === 0 ? (
        <p className="muted">{list.synced ? 'None.' : 'Loading…'}</p>
      ) : (
        <table className="data">
          <tbody>
            {rows.map((r) => {
              const meta = objectOf(r).metadata;
              const readyText = cellText(r, ready);
              return (
                <tr key={meta.uid}>
                  <td>
                    <Link href={`/${type.key}/${meta.namespace}/${meta.name}`}>{meta.name}</Link>
                  </td>
                  <td>{status >= 0 && <StatusBadge status={cellText(r, status)} />}</td>
                  <td className={toneOfRatio(readyText) ? `text-${toneOfRatio(readyText) === 'muted' ? 'progress' : toneOfRatio(readyText)}` : undefined}>
                    {ready >= 0 ? `${desired >= 0 ? `${cellText(r, ready)} of ${cellText(r, desired)}` : readyText} ready` : ''}
                  </td>
                  <td className="muted">
                    {meta.annotations?.['deployment.kubernetes.io/revision'] ? `revision ${meta.annotations['deployment.kubernetes.io/revision']}` : ''}
                  </td>
                  <td>
                    <Age timestamp={meta.creationTimestamp} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** spec.selector as a label selector string. */
export function selectorString(selector: any): string | undefined {
  if (!selector) return undefined;
  if (!selector.matchLabels && !selector.matchExpressions) {
    // A Service's (or ReplicationController's) plain map.
    return Object.entries(selector as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  }
  const terms = Object.entries((selector.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    terms.push(e.operator === 'In' ? `${e.key} in (${values})` : e.operator === 'NotIn' ? `${e.key} notin (${values})` : e.operator === 'Exists' ? e.key : `!${e.key}`);
  }
  return terms.join(',');
}
