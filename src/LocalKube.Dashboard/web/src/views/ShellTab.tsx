import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { KubeObject } from '../api/types';
import { ContainerPicker } from '../components/Controls';
import { openExec, type ExecEnd } from '../lib/execChannel';
import { defaultContainer } from './LogsTab';

// Try a shell that picks bash when there is one; a missing sh means no shell at all, but bash alone may exist.
const shells: string[][] = [['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'], ['bash']];

/** An interactive shell in a container, over the API server's exec WebSocket (xterm.js). */
export default function ShellTab({ pod }: { pod: KubeObject }) {
  const host = useRef<HTMLDivElement>(null);
  const [container, setContainer] = useState(defaultContainer(pod));
  const [status, setStatus] = useState<string>('Connecting…');
  const [session, setSession] = useState(0);
  const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
  const phase = pod.status?.phase;

  useEffect(() => {
    if (phase === 'Succeeded' || phase === 'Failed') {
      setStatus(`The pod has ${phase === 'Succeeded' ? 'completed' : 'failed'}: there is no running container to open a shell in.`);
      return;
    }
    const terminal = new Terminal({ cursorBlink: true, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: 13, theme: { background: '#111111' } });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(host.current!);
    fit.fit();
    terminal.focus();
    let closed = false;
    let close: (() => void) | undefined;

    const start = (attempt: number) => {
      let sawOutput = false;
      const exec = openExec({
        namespace: pod.metadata.namespace!,
        pod: pod.metadata.name,
        container,
        command: shells[attempt],
        tty: true,
        onOpen: (protocol) => {
          setStatus(`Connected to ${container} (${protocol}).`);
          exec.resize(terminal.cols, terminal.rows);
        },
        onOutput: (data) => {
          sawOutput = true;
          terminal.write(data);
        },
        onEnd: (end: ExecEnd) => {
          if (closed) return;
          const notFound = !sawOutput && end.error && /not found|no such file|executable file/i.test(end.error);
          if (notFound && attempt + 1 < shells.length) {
            start(attempt + 1);
            return;
          }
          if (notFound) {
            setStatus('No shell found (tried sh, bash): this image has no shell.');
          } else if (end.error) {
            setStatus(`Session ended: ${end.error}`);
          } else {
            setStatus(`Session ended${end.exitCode !== undefined ? ` (exit code ${end.exitCode})` : ''}.`);
          }
          terminal.write('\r\n\x1b[2m[session closed]\x1b[0m\r\n');
        },
      });
      close = exec.close;
      const input = terminal.onData((data) => exec.send(data));
      const resize = terminal.onResize(({ cols, rows }) => exec.resize(cols, rows));
      const previousClose = close;
      close = () => {
        input.dispose();
        resize.dispose();
        previousClose();
      };
    };
    start(0);
    const onWindowResize = () => fit.fit();
    window.addEventListener('resize', onWindowResize);
    return () => {
      closed = true;
      window.removeEventListener('resize', onWindowResize);
      close?.();
      terminal.dispose();
    };
  }, [pod.metadata.namespace, pod.metadata.name, container, session, phase]);

  return (
    <div className="stack" style={{ gap: 8 }}>
      <div className="toolbar" style={{ margin: 0 }}>
        <ContainerPicker value={container} onChange={setContainer} containers={containers.map((name) => ({ name }))} />
        <button type="button" className="btn" onClick={() => setSession(session + 1)}>
          New session
        </button>
        <span className="terminal-status muted" role="status" aria-live="polite" data-testid="shell-status">
          {status}
        </span>
      </div>
      <div className="terminal" ref={host} data-testid="terminal" />
    </div>
  );
}
