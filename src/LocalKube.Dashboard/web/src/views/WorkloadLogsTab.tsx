import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { KubeObject } from '../api/types';
import { Toggle } from '../components/Controls';
import { useObjects } from '../hooks/useWatch';
import { download, streamLog } from '../lib/logStream';
import { selectorString } from './Children';
import { defaultContainer } from './LogsTab';

const MaxPods = 20;
const MaxLines = 20000;

interface Line {
  pod: string;
  text: string;
}

// A stable colour per pod name, so its lines stand apart.
const hue = (name: string) => [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);

/**
 * The logs of every pod of a workload, interleaved as they arrive and prefixed with the pod's name (kubectl logs
 * -l app=web --prefix -f). Pods that appear later (a rollout, a scale-up) join the stream by themselves.
 */
export default function WorkloadLogsTab({ workload }: { workload: KubeObject }) {
  const ns = workload.metadata.namespace!;
  const selector = selectorString(workload.spec?.selector);
  const pods = useObjects(`/api/v1/namespaces/${ns}/pods`, { labelSelector: selector });
  const [lines, setLines] = useState<Line[]>([]);
  const [query, setQuery] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const buffer = useRef<Line[]>([]);
  const streams = useRef(new Map<string, AbortController>());
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const scroller = useRef<HTMLDivElement>(null);

  const running = useMemo(
    () =>
      (pods.items as KubeObject[])
        .filter((p) => !p.metadata.deletionTimestamp && (p.status?.containerStatuses ?? []).length > 0)
        .slice(0, MaxPods),
    [pods.items],
  );

  // One follow stream per pod, opened when the pod appears and closed when it goes.
  useEffect(() => {
    const wanted = new Set(running.map((p) => p.metadata.name));
    for (const [name, abort] of streams.current) {
      if (!wanted.has(name)) {
        abort.abort();
        streams.current.delete(name);
      }
    }
    for (const pod of running) {
      const name = pod.metadata.name;
      if (streams.current.has(name)) continue;
      const abort = new AbortController();
      streams.current.set(name, abort);
      streamLog(ns, name, { container: defaultContainer(pod), follow: 'true', tailLines: '200' }, (texts) => {
        buffer.current.push(...texts.map((text) => ({ pod: name, text })));
        if (buffer.current.length > MaxLines) buffer.current.splice(0, buffer.current.length - MaxLines);
        timer.current ??= setTimeout(() => {
          timer.current = undefined;
          setLines([...buffer.current]);
        }, 50);
      }, abort.signal).catch((e: Error) => {
        if (!abort.signal.aborted) setErrors((current) => ({ ...current, [name]: e.message }));
      });
    }
  }, [running, ns]);

  useEffect(
    () => () => {
      for (const abort of streams.current.values()) abort.abort();
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const shown = useMemo(() => (query ? lines.filter((l) => l.text.toLowerCase().includes(query.toLowerCase()) || l.pod.includes(query)) : lines), [lines, query]);
  const virtual = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => 18, overscan: 30 });
  const [follow, setFollow] = useState(true);
  useEffect(() => {
    if (follow && shown.length > 0) virtual.scrollToIndex(shown.length - 1, { align: 'end' });
  }, [shown, follow, virtual]);

  return (
    <div className="stack" style={{ gap: 8 }}>
      <div className="toolbar" style={{ margin: 0 }}>
        <span className="muted">
          {running.length} {running.length === 1 ? 'pod' : 'pods'}
          {(pods.items.length > MaxPods ? ` (first ${MaxPods})` : '')}
        </span>
        <Toggle label="Follow" checked={follow} onChange={setFollow} />
        <input type="search" placeholder="Filter lines" aria-label="Filter log lines" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="button" className="btn" disabled={lines.length === 0} onClick={() => download(`${workload.metadata.name}.log`, lines.map((l) => `[${l.pod}] ${l.text}`).join('\n') + '\n')}>
          Download
        </button>
      </div>
      {Object.entries(errors).map(([pod, message]) => (
        <div key={pod} className="errors small" role="alert">
          {pod}: {message}
        </div>
      ))}
      <div className="log-view" ref={scroller} role="log" aria-label={`Logs of the pods of ${workload.metadata.name}`} data-testid="workload-log">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const line = shown[item.index];
            return (
              <div key={item.key} className="log-line" style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
                <span style={{ color: `hsl(${hue(line.pod)} 60% 45%)` }}>[{line.pod}]</span> {line.text}
              </div>
            );
          })}
        </div>
        {shown.length === 0 && <p className="empty">{running.length === 0 ? 'No pod of this workload has started containers yet.' : 'Waiting for log lines…'}</p>}
      </div>
    </div>
  );
}
