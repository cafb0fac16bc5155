// The shapes the dashboard backend sends (see the C# ListWatch, WatchSession and ClusterHealth).

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: any;
}

export interface ColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  object: KubeObject;
}

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail?: string | null;
}

export interface Health {
  reachable: boolean;
  ready: boolean;
  message?: string | null;
  since?: string;
  checks: HealthCheck[];
}

export interface Status {
  kind?: string;
  status?: string;
  reason?: string;
  code?: number;
  message?: string;
  details?: { name?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export interface Finding {
  severity: 'error' | 'warning' | 'info';
  code: string;
  title: string;
  detail?: string;
  hint?: string;
  container?: string;
  command?: string;
  lines?: string[];
}

export interface Explanation {
  healthy: boolean;
  headline: string;
  findings: Finding[];
}

export interface PortForwardView {
  id: string;
  namespace: string;
  kind: string;
  name: string;
  port: number;
  localPort: number;
  url: string;
  active: number;
  total: number;
  lastError?: string;
  created: string;
}
