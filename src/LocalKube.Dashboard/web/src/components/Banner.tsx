import { useObservable } from '../hooks/useWatch';
import { watchClient } from '../api/watchClient';

/**
 * What is wrong with the connection, above every view: the dashboard server gone (Ctrl+C), the page's socket
 * reconnecting, or the cluster unreachable. Views keep their data and recover by themselves.
 */
export function Banner() {
  const connection = useObservable(watchClient.connection);
  const health = useObservable(watchClient.health);
  let text: string | null = null;
  let tone = 'bad';
  if (connection === 'stopped') {
    text = 'The dashboard stopped. Run "localkube dashboard" again to reconnect; the cluster keeps running.';
  } else if (connection === 'lost') {
    text = 'Lost the connection to the dashboard server; reconnecting…';
    tone = 'progress';
  } else if (!health.reachable) {
    text = `Cluster unreachable: ${health.message ?? 'the API server does not answer'}. Retrying; this page recovers by itself when it is back.`;
  } else if (!health.ready) {
    text = `The API server is not ready: ${health.message ?? ''}`;
    tone = 'progress';
  }
  return (
    <div className="banner-slot" role="status" aria-live="polite">
      {text && (
        <div className={`banner ${tone}`} data-testid="banner" data-state={connection === 'open' ? (health.reachable ? 'not-ready' : 'unreachable') : connection}>
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path d="M8 1l7 13H1z" fill="none" stroke="currentColor" strokeWidth="1.6" />
            <path d="M8 6v4M8 11.5v1" stroke="currentColor" strokeWidth="1.6" />
          </svg>
          {text}
        </div>
      )}
    </div>
  );
}
