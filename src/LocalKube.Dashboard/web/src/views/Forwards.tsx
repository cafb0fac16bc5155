import { useEffect, useState } from 'react';
import { local } from '../api/http';
import type { PortForwardView } from '../api/types';
import { Age } from '../components/Age';

/** Open port-forwards: where each goes, its local link, and Stop. */
export function Forwards() {
  const [forwards, setForwards] = useState<PortForwardView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () =>
    local<PortForwardView[]>('/api/portforwards')
      .then((f) => {
        setForwards(f);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    void refresh();
  }, []);
  return (
    <div className="stack">
      <div className="row-flex">
        <h1>Port forwards</h1>
        <button type="button" className="btn small" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      <p className="muted">Use “Forward” next to a container port on a pod page, or a port on a Service page. Forwards last as long as this dashboard runs.</p>
      {error && <div className="errors">{error}</div>}
      {forwards && forwards.length === 0 && <p className="muted">No forwards are open.</p>}
      {forwards && forwards.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Local</th>
                <th>Target</th>
                <th>Connections</th>
                <th>Opened</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {forwards.map((f) => (
                <tr key={f.id}>
                  <td>
                    <a href={f.url} target="_blank" rel="noreferrer">
                      {f.url}
                    </a>
                  </td>
                  <td>
                    {f.kind}/{f.name}:{f.port} <span className="muted">({f.namespace})</span>
                  </td>
                  <td className="num">
                    {f.active} open, {f.total} total
                  </td>
                  <td>
                    <Age timestamp={f.created} />
                  </td>
                  <td className="text-bad">{f.lastError ?? ''}</td>
                  <td>
                    <button type="button" className="btn small danger" onClick={() => local(`/api/portforwards/${f.id}`, { method: 'DELETE' }).then(refresh)}>
                      Stop
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
