import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactElement, useEffect, useMemo, useRef, useState } from 'react';
import type { KubeObject } from '../api/types';
import { ContainerPicker, Toggle } from '../components/Controls';
import { download, streamLog } from '../lib/logStream';

const MaxLines = 20000;

interface Match {
  line: number;
  start: number;
  end: number;
}

export function defaultContainer(pod: KubeObject): string {
  return pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? pod.spec?.containers?.[0]?.name ?? '';
}

/**
 * A container's log, streamed with follow=true through the dashboard's proxy (pods/log as kubectl logs -f reads
 * it): container picker with init containers, previous instance, timestamps, wrap, search with highlights
 * (Enter / Shift+Enter step through matches, optional regex), download.
 */
export default function LogsTab({ pod }: { pod: KubeObject }) {
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const containers: { name: string; init?: boolean }[] = [
    ...(pod.spec?.initContainers ?? []).map((c: any) => ({ name: c.name, init: true })),
    ...(pod.spec?.containers ?? []).map((c: any) => ({ name: c.name })),
    ...(pod.spec?.ephemeralContainers ?? []).map((c: any) => ({ name: c.name })),
  ];
  const [container, setContainer] = useState(defaultContainer(pod));
  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [timestamps, setTimestamps] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [current, setCurrent] = useState(0);
  const [lines, setLines] = useState<string[]>([]);
  const [state, setState] = useState<{ streaming: boolean; error?: string; ended?: boolean }>({ streaming: false });
  const [attempt, setAttempt] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  // A container that never started has no log: say so, and start following the moment it starts.
  const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((c: { name: string }) => c.name === container);
  const started = !!(status?.state?.running || status?.state?.terminated || status?.lastState?.terminated);
  const waitingFor = started || previous ? null : status?.state?.waiting?.reason ?? (pod.spec?.nodeName ? 'not created yet' : 'the pod is not scheduled yet');

  useEffect(() => {
    if (waitingFor) {
      setLines([]);
      setState({ streaming: false });
      return;
    }
    const abort = new AbortController();
    const buffer: string[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      flushTimer = undefined;
      setLines(buffer.length > MaxLines ? buffer.slice(buffer.length - MaxLines) : [...buffer]);
    };
    setLines([]);
    setState({ streaming: true });
    const query: Record<string, string> = { container, tailLines: '1000' };
    if (follow && !previous) query.follow = 'true';
    if (previous) query.previous = 'true';
    if (timestamps) query.timestamps = 'true';
    streamLog(ns, name, query, (lines) => {
      buffer.push(...lines);
      if (buffer.length > MaxLines * 1.5) buffer.splice(0, buffer.length - MaxLines);
      flushTimer ??= setTimeout(flush, 50);
    }, abort.signal).then(
      () => {
        flush();
        setState({ streaming: false, ended: true });
      },
      (e: Error) => {
        if (!abort.signal.aborted) setState({ streaming: false, error: `Cannot read the log: ${e.message}` });
      },
    );
    return () => {
      abort.abort();
      if (flushTimer) clearTimeout(flushTimer);
    };
  }, [ns, name, container, follow, previous, timestamps, attempt, waitingFor]);

  const matches = useMemo<Match[]>(() => {
    if (!query) return [];
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
    } catch {
      return [];
    }
    const found: Match[] = [];
    lines.forEach((line, index) => {
      for (const m of line.matchAll(pattern)) {
        if (m[0].length === 0) break;
        found.push({ line: index, start: m.index!, end: m.index! + m[0].length });
        if (found.length > 5000) return;
      }
    });
    return found;
  }, [lines, query, regex]);

  const virtual = useVirtualizer({ count: lines.length, getScrollElement: () => scroller.current, estimateSize: () => 18, overscan: 30 });

  useEffect(() => {
    if (follow && atBottom.current && lines.length > 0) virtual.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [lines, follow, virtual]);

  const step = (delta: number) => {
    if (matches.length === 0) return;
    const next = (current + delta + matches.length) % matches.length;
    setCurrent(next);
    atBottom.current = false;
    virtual.scrollToIndex(matches[next].line, { align: 'center' });
  };

  const save = () => download(`${name}-${container}.log`, lines.join('\n') + '\n');

  const byLine = useMemo(() => {
    const map = new Map<number, { match: Match; index: number }[]>();
    matches.forEach((match, index) => map.set(match.line, [...(map.get(match.line) ?? []), { match, index }]));
    return map;
  }, [matches]);

  const render = (line: string, index: number) => {
    let ts = '';
    let text = line;
    if (timestamps) {
      const space = line.indexOf(' ');
      if (space > 0) {
        ts = line.slice(0, space + 1);
        text = line.slice(space + 1);
      }
    }
    const marks = byLine.get(index);
    if (!marks) return (
      <>
        {ts && <span className="ts">{ts}</span>}
        {text}
      </>
    );
    const parts: ReactElement[] = [];
    let at = 0;
    for (const { match, index: i } of marks) {
      const start = match.start - ts.length;
      const end = match.end - ts.length;
      if (start < at || start < 0) continue;
      parts.push(<span key={`t${i}`}>{text.slice(at, start)}</span>);
      parts.push(
        <mark key={`m${i}`} className={i === current ? 'current' : undefined}>
          {text.slice(start, end)}
        </mark>,
      );
      at = end;
    }
    parts.push(<span key="rest">{text.slice(at)}</span>);
    return (
      <>
        {ts && <span className="ts">{ts}</span>}
        {parts}
      </>
    );
  };

  return (
    <div className="stack" style={{ gap: 8 }}>
      <div className="toolbar" style={{ margin: 0 }}>
        <ContainerPicker value={container} onChange={setContainer} containers={containers} />
        <Toggle label="Follow" checked={follow} onChange={setFollow} />
        <Toggle label="Previous" checked={previous} onChange={setPrevious} />
        <Toggle label="Timestamps" checked={timestamps} onChange={setTimestamps} />
        <Toggle label="Wrap" checked={wrap} onChange={setWrap} />
        <input
          type="search"
          placeholder="Search logs"
          aria-label="Search logs"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setCurrent(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              step(e.shiftKey ? -1 : 1);
            }
          }}
        />
        <Toggle label="Regex" checked={regex} onChange={setRegex} />
        <span className="muted small" aria-live="polite">
          {query ? `${matches.length === 0 ? 0 : current + 1}/${matches.length}` : ''}
        </span>
        <button type="button" className="btn" onClick={save} disabled={lines.length === 0}>
          Download
        </button>
      </div>
      {waitingFor && (
        <div className="notice" role="status" data-testid="log-waiting">
          Container {container} has not started ({waitingFor}), so it has no log yet. The log appears here as soon as it starts.
        </div>
      )}
      {state.error && (
        <div className="errors" role="alert" data-testid="log-error">
          {state.error}{' '}
          <button type="button" className="btn small" onClick={() => setAttempt(attempt + 1)}>
            Retry
          </button>
        </div>
      )}
      <div
        className={`log-view${wrap ? ' wrap' : ''}`}
        ref={scroller}
        role="log"
        aria-label={`Log of ${container}`}
        data-testid="log-view"
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 30;
        }}
      >
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => (
            <div
              key={item.key}
              className="log-line"
              data-index={item.index}
              ref={wrap ? virtual.measureElement : undefined}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
            >
              {render(lines[item.index], item.index)}
            </div>
          ))}
        </div>
        {lines.length === 0 && !state.error && <p className="empty">{state.streaming ? 'Waiting for log lines…' : 'The log is empty.'}</p>}
      </div>
      <p className="muted small" aria-live="polite">
        {lines.length} lines{state.streaming && follow && !previous ? ' · following' : ''}
        {state.ended && follow && !previous && (
          <>
            {' '}
            · the stream ended{' '}
            <button type="button" className="btn small" onClick={() => setAttempt(attempt + 1)}>
              Reconnect
            </button>
          </>
        )}
      </p>
    </div>
  );
}
