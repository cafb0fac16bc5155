import { useMemo } from 'react';
import { Link } from 'wouter';
import type { KubeObject } from '../api/types';
import { StatusBadge } from '../components/StatusBadge';
import { useObjects } from '../hooks/useWatch';
import { formatBytes, formatCpu, parseQuantity, podResources } from '../lib/quantity';

function Bar({ label, used, total, format }: { label: string; used: number; total: number; format: (n: number) => string }) {
  const pct = total > 0 ? Math.round((used / total) * 100) : 0;
  return (
    <div style={{ marginBottom: 6 }}>
      <div className="row-flex small">
        <span>{label}</span>
        <span className="muted">
          {format(used)} of {format(total)} ({pct}%)
        </span>
      </div>
      <div className={`bar ${pct >= 100 ? 'full' : pct >= 80 ? 'warn' : ''}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.min(pct, 100)}>
        <span style={{ width: `${Math.min(pct, 100)}%` }} />
      </div>
    </div>
  );
}

export const nodeReady = (node: KubeObject) => {
  const ready = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
  const status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  return node.spec?.unschedulable ? `${status},SchedulingDisabled` : status;
};

/**
 * A node's capacity and allocatable, and the requests and limits of the pods on it as percentages of
 * allocatable (the numbers of `kubectl describe node`, "Allocated resources").
 */
export function NodeCapacity({ node, compact }: { node: KubeObject; compact?: boolean }) {
  const name = node.metadata.name;
  const pods = useObjects('/api/v1/pods', { fieldSelector: `spec.nodeName=${name}` });
  const sums = useMemo(() => {
    const total = { cpuRequest: 0, cpuLimit: 0, memoryRequest: 0, memoryLimit: 0, count: 0 };
    for (const pod of pods.items as KubeObject[]) {
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      const r = podResources(pod.spec);
      total.cpuRequest += r.cpuRequest;
      total.cpuLimit += r.cpuLimit;
      total.memoryRequest += r.memoryRequest;
      total.memoryLimit += r.memoryLimit;
      total.count++;
    }
    return total;
  }, [pods.items]);
  const allocatable = node.status?.allocatable ?? node.status?.capacity ?? {};
  const capacity = node.status?.capacity ?? {};
  const cpu = parseQuantity(allocatable.cpu);
  const memory = parseQuantity(allocatable.memory);
  const maxPods = parseQuantity(allocatable.pods);
  return (
    <div className="stack" style={{ gap: 6 }} data-testid={`node-${name}`}>
      {compact && (
        <div className="row-flex">
          <Link href={`/nodes/_/${name}`}>{name}</Link>
          <StatusBadge status={nodeReady(node)} />
          <span className="muted small">{node.status?.nodeInfo?.kubeletVersion}</span>
        </div>
      )}
      <Bar label="CPU requests" used={sums.cpuRequest} total={cpu} format={formatCpu} />
      <Bar label="Memory requests" used={sums.memoryRequest} total={memory} format={formatBytes} />
      {!compact && <Bar label="CPU limits" used={sums.cpuLimit} total={cpu} format={formatCpu} />}
      {!compact && <Bar label="Memory limits" used={sums.memoryLimit} total={memory} format={formatBytes} />}
      <Bar label="Pods" used={sums.count} total={maxPods} format={(n) => String(n)} />
      {!compact && (
        <dl className="fields">
          <dt>Capacity</dt>
          <dd>
            cpu {capacity.cpu ?? '—'}, memory {capacity.memory ?? '—'}, pods {capacity.pods ?? '—'}
          </dd>
          <dt>Allocatable</dt>
          <dd>
            cpu {allocatable.cpu ?? '—'}, memory {allocatable.memory ?? '—'}, pods {allocatable.pods ?? '—'}
          </dd>
        </dl>
      )}
    </div>
  );
}
