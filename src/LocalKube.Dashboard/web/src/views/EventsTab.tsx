import { useMemo, useState } from 'react';
import type { KubeObject } from '../api/types';
import { Age } from '../components/Age';
import { StatusBadge } from '../components/StatusBadge';
import { lastSeenText } from './Overview';

/** An object's events, newest first: repeats merged (count, first and last seen), warnings only if asked. */
export function EventsTab({ events }: { events: KubeObject[] }) {
  const [warningsOnly, setWarningsOnly] = useState(false);
  const merged = useMemo(() => {
    const byKey = new Map<string, { type: string; reason: string; message: string; count: number; first?: string; last?: string; source?: string }>();
    for (const e of events) {
      const key = `${e.type}|${e.reason}|${e.message}`;
      const count = e.count ?? e.series?.count ?? 1;
      const first = e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
      const last = lastSeenText(e);
      const existing = byKey.get(key);
      if (existing) {
        existing.count += count;
        if (first && (!existing.first || first < existing.first)) existing.first = first;
        if (last && (!existing.last || last > existing.last)) existing.last = last;
      } else {
        byKey.set(key, { type: e.type ?? 'Normal', reason: e.reason ?? '', message: e.message ?? '', count, first, last, source: e.source?.component ?? e.reportingComponent });
      }
    }
    return [...byKey.values()].filter((e) => !warningsOnly || e.type === 'Warning').sort((a, b) => (b.last ?? '').localeCompare(a.last ?? ''));
  }, [events, warningsOnly]);
  return (
    <div className="stack">
      <label className="check">
        <input type="checkbox" checked={warningsOnly} onChange={(e) => setWarningsOnly(e.target.checked)} /> Warnings only
      </label>
      {merged.length === 0 ? (
        <p className="muted">No events.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Last seen</th>
                <th>Type</th>
                <th>Reason</th>
                <th>Message</th>
                <th>Count</th>
                <th>First seen</th>
                <th>From</th>
              </tr>
            </thead>
            <tbody>
              {merged.map((e) => (
                <tr key={`${e.type}|${e.reason}|${e.message}`}>
                  <td>
                    <Age timestamp={e.last} />
                  </td>
                  <td>
                    <StatusBadge status={e.type} tone={e.type === 'Warning' ? 'bad' : 'muted'} />
                  </td>
                  <td>{e.reason}</td>
                  <td style={{ whiteSpace: 'normal' }}>{e.message}</td>
                  <td className="num">{e.count}</td>
                  <td>
                    <Age timestamp={e.first} />
                  </td>
                  <td className="muted">{e.source ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
