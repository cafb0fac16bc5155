import { useState } from 'react';
import { local } from '../api/http';
import type { PortForwardView } from '../api/types';
import { WithReason } from './Disabled';
import { useForbidden } from '../hooks/useCanI';

/** One click: a local 127.0.0.1 port forwarded to a pod or Service port, with a link to open it. */
export function ForwardButton({ namespace, kind, name, port }: { namespace: string; kind: 'pod' | 'service'; name: string; port: number }) {
  const [forward, setForward] = useState<PortForwardView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [forbidden] = useForbidden([{ verb: 'create', resource: 'pods', subresource: 'portforward', namespace }]);
  if (forward) {
    return (
      <span className="row-flex">
        <a href={forward.url} target="_blank" rel="noreferrer" data-testid="forward-link">
          {forward.url}
        </a>
      </span>
    );
  }
  return (
    <span className="row-flex">
      <WithReason reason={forbidden}>
        <button
          type="button"
          className="btn small"
          disabled={!!forbidden}
          aria-label={`Forward a local port to ${kind} ${name} port ${port}`}
          onClick={async () => {
            try {
              setForward(await local<PortForwardView>('/api/portforwards', { method: 'POST', body: JSON.stringify({ namespace, kind, name, port }) }));
              setError(null);
            } catch (e) {
              setError((e as Error).message);
            }
          }}
        >
          Forward
        </button>
      </WithReason>
      {error && <span className="text-bad small">{error}</span>}
    </span>
  );
}
