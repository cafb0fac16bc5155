import { useEffect, useState } from 'react';
import { local } from '../api/http';
import type { Explanation, Finding } from '../api/types';
import { CopyCommand } from './CopyCommand';
import { StatusBadge } from './StatusBadge';

const toneOf = (severity: Finding['severity']) => (severity === 'error' ? 'bad' : severity === 'warning' ? 'progress' : 'muted');

/**
 * "Why isn't it running?": the backend's plain-language explanation for a pod or a workload, asked again
 * whenever the object or its events change (`revision`).
 */
export function ExplainPanel({ resource, namespace, name, revision }: { resource: string; namespace: string; name: string; revision: string }) {
  const [explanation, setExplanation] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(async () => {
      try {
        const result = await local<Explanation>(`/api/explain/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`);
        if (live) {
          setExplanation(result);
          setError(null);
        }
      } catch (e) {
        if (live) setError((e as Error).message);
      }
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [resource, namespace, name, revision]);

  if (error) return <p className="muted small">No explanation: {error}</p>;
  if (!explanation) return null;
  const worst = explanation.findings.find((f) => f.severity !== 'info')?.severity;
  const tone = explanation.healthy ? 'ok' : worst === 'error' ? 'bad' : 'progress';
  // The headline is usually the first finding's title: say it once on screen (screen readers get both).
  const repeated = explanation.findings[0]?.title === explanation.headline;
  return (
    <section className={`card explain ${tone}`} aria-labelledby="why-title" data-testid="explain" data-healthy={explanation.healthy}>
      <h2 id="why-title">{explanation.healthy ? 'Status' : 'Why isn’t it running?'}</h2>
      <p data-testid="explain-headline" className={repeated ? 'sr-only' : undefined} style={{ margin: '0 0 6px', fontWeight: 500 }}>
        {explanation.headline}
      </p>
      {explanation.findings.map((f, i) => (
        <div className="finding" key={i} data-code={f.code}>
          <div className="title">
            <StatusBadge status={f.severity === 'error' ? 'Problem' : f.severity === 'warning' ? 'Warning' : 'Info'} tone={toneOf(f.severity)} />
            <span>{f.title}</span>
          </div>
          {f.detail && <div className="detail muted">{f.detail}</div>}
          {f.lines && f.lines.length > 0 && (
            <pre aria-label={`Last log lines of ${f.container}`}>{f.lines.join('\n')}</pre>
          )}
          {f.hint && <div style={{ marginTop: 4 }}>{f.hint}</div>}
          {f.command && <CopyCommand command={f.command} />}
        </div>
      ))}
    </section>
  );
}
