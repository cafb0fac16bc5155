import type { KubeObject, Status } from './types';

/** An API failure, carrying the server's metav1.Status (message, reason, causes by field). */
export class ApiError extends Error {
  constructor(readonly status: Status, readonly code: number) {
    super(status.message ?? `HTTP ${code}`);
  }

  get causes() {
    return this.status.details?.causes ?? [];
  }
}

async function failure(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const status = JSON.parse(text) as Status;
    if (status.kind === 'Status' || status.message) return new ApiError(status, response.status);
  } catch {
    // Not a Status.
  }
  return new ApiError({ message: text || `HTTP ${response.status} ${response.statusText}`, code: response.status }, response.status);
}

/** A request to the API server through the dashboard's proxy. */
export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`/api/k8s${path}`, { ...init, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
  if (!response.ok) throw await failure(response);
  return response;
}

export const getJson = async <T = KubeObject>(path: string): Promise<T> => (await api(path)).json();

export async function send<T = KubeObject>(method: string, path: string, body: unknown, contentType = 'application/json'): Promise<T> {
  const response = await api(path, {
    method,
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** The dashboard's own endpoints (/api/…, not the API server). */
export async function local<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  if (!response.ok) throw await failure(response);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
