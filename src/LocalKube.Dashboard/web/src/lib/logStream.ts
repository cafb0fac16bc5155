/**
 * Reads a pod's log through the dashboard's proxy (pods/log, as kubectl logs reads it) and hands over whole lines.
 * Resolves when the stream ends; rejects with the API server's message when it refuses.
 */
export async function streamLog(
  namespace: string,
  pod: string,
  query: Record<string, string>,
  onLines: (lines: string[]) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(`/api/k8s/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${new URLSearchParams(query)}`, { signal });
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = JSON.parse(text).message ?? text;
    } catch {
      // Plain text.
    }
    throw new Error(message || `HTTP ${response.status}`);
  }
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let partial = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const parts = (partial + decoder.decode(value, { stream: true })).split('\n');
    partial = parts.pop() ?? '';
    if (parts.length > 0) onLines(parts);
  }
  if (partial) onLines([partial]);
}

/** Saves text as a file the browser downloads. */
export function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
