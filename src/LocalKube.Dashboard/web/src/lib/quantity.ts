const suffixes: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** A Kubernetes quantity ("250m", "1Gi", "2", "1e3") as a number (cores, bytes). */
export function parseQuantity(value: string | number | undefined | null): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(value.trim());
  if (!m) return 0;
  return Number(m[1]) * (suffixes[m[2]] ?? 1);
}

export const formatCpu = (cores: number) => (Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`);

export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${Math.round(value * 10) / 10}${units[i]}`;
}

interface Container {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** A pod's requests and limits as the scheduler and `kubectl describe node` count them. */
export function podResources(spec: { containers?: Container[]; initContainers?: Container[] } | undefined) {
  const total = { cpuRequest: 0, cpuLimit: 0, memoryRequest: 0, memoryLimit: 0 };
  for (const c of spec?.containers ?? []) {
    const r = c.resources ?? {};
    total.cpuRequest += parseQuantity(r.requests?.cpu ?? r.limits?.cpu);
    total.memoryRequest += parseQuantity(r.requests?.memory ?? r.limits?.memory);
    total.cpuLimit += parseQuantity(r.limits?.cpu);
    total.memoryLimit += parseQuantity(r.limits?.memory);
  }
  for (const c of spec?.initContainers ?? []) {
    const r = c.resources ?? {};
    total.cpuRequest = Math.max(total.cpuRequest, parseQuantity(r.requests?.cpu ?? r.limits?.cpu));
    total.memoryRequest = Math.max(total.memoryRequest, parseQuantity(r.requests?.memory ?? r.limits?.memory));
    total.cpuLimit = Math.max(total.cpuLimit, parseQuantity(r.limits?.cpu));
    total.memoryLimit = Math.max(total.memoryLimit, parseQuantity(r.limits?.memory));
  }
  return total;
}
