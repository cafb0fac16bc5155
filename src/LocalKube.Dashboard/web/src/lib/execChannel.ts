/**
 * The exec channel protocol of the API server (k8s.io/apimachinery remotecommand), spoken by the page over the
 * dashboard's /api/exec bridge: every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr,
 * 3 the final status (a metav1.Status as JSON), 4 terminal resize ({"Width","Height"}); v5.channel.k8s.io adds
 * 255 to close a stream. The session ends when the server closes the socket after the status.
 */
export interface ExecEnd {
  exitCode?: number;
  error?: string;
}

export interface ExecOptions {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  tty: boolean;
  onOpen: (protocol: string) => void;
  onOutput: (data: Uint8Array, channel: 1 | 2) => void;
  onEnd: (end: ExecEnd) => void;
}

export const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export function openExec(options: ExecOptions) {
  const query = new URLSearchParams({ namespace: options.namespace, pod: options.pod, container: options.container, tty: String(options.tty) });
  for (const c of options.command) query.append('command', c);
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/exec?${query}`, protocols);
  socket.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  let end: ExecEnd = {};
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    options.onEnd(end);
  };

  const frame = (channel: number, payload: Uint8Array) => {
    const data = new Uint8Array(payload.length + 1);
    data[0] = channel;
    data.set(payload, 1);
    if (socket.readyState === WebSocket.OPEN) socket.send(data);
  };

  socket.onopen = () => options.onOpen(socket.protocol || 'channel.k8s.io');
  socket.onmessage = (event) => {
    const data = new Uint8Array(event.data as ArrayBuffer);
    if (data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === 1 || channel === 2) options.onOutput(payload, channel);
    else if (channel === 3) end = parseStatus(new TextDecoder().decode(payload));
  };
  socket.onerror = () => {
    end = end.error || end.exitCode !== undefined ? end : { error: 'the connection to the dashboard failed' };
  };
  socket.onclose = finish;

  return {
    send: (text: string) => frame(0, encoder.encode(text)),
    resize: (cols: number, rows: number) => frame(4, encoder.encode(JSON.stringify({ Width: cols, Height: rows }))),
    /** Closes stdin (v5 only), as kubectl does when its input ends. */
    closeStdin: () => {
      if (socket.protocol === 'v5.channel.k8s.io') frame(255, new Uint8Array([0]));
    },
    close: () => {
      ended = true;
      socket.close();
    },
  };
}

/** The channel-3 status: Success, a NonZeroExitCode with the code in its causes, or another failure's message. */
export function parseStatus(text: string): ExecEnd {
  try {
    const status = JSON.parse(text);
    if (status.status === 'Success') return { exitCode: 0 };
    const exit = (status.details?.causes ?? []).find((c: { reason?: string }) => c.reason === 'ExitCode');
    if (status.reason === 'NonZeroExitCode' && exit) return { exitCode: Number(exit.message) };
    return { error: status.message ?? 'the command failed' };
  } catch {
    return { error: text };
  }
}
