import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { api, ApiError, getJson, send } from '../api/http';
import { objectPath, type ResourceType } from '../api/resources';
import type { KubeObject } from '../api/types';
import { CopyCommand } from '../components/CopyCommand';
import { Dialog, DialogClose } from '../components/Dialog';
import { WithReason } from '../components/Disabled';
import { type Check, useForbidden } from '../hooks/useCanI';

const scalable = new Set(['deployments', 'replicasets', 'statefulsets', 'replicationcontrollers']);
const restartable = new Set(['deployments', 'statefulsets', 'daemonsets']);

const kubectlName = (type: ResourceType) => type.kind.toLowerCase();

/** The actions a developer takes all day, each with the kubectl command it equals, disabled with a reason when RBAC says no. */
export function Actions({ type, object }: { type: ResourceType; object: KubeObject }) {
  const [, navigate] = useLocation();
  const ns = object.metadata.namespace;
  const name = object.metadata.name;
  const path = objectPath(type, ns, name);
  const ref = `${kubectlName(type)}/${name}`;
  // kubectl's own order: the verb's flags, then the namespace.
  const inNs = ns ? ` -n ${ns}` : '';
  const [result, setResult] = useState<{ ok: boolean; text: string; command?: string } | null>(null);
  const [confirm, setConfirm] = useState<'delete' | 'drain' | null>(null);
  const [busy, setBusy] = useState(false);
  const replicas: number = object.spec?.replicas ?? 1;
  const [draft, setDraft] = useState<string>(String(replicas));
  useEffect(() => setDraft(String(replicas)), [replicas]);

  const check = (verb: string, subresource?: string, resource = type.resource, group = type.group): Check => ({ verb, group, resource, subresource, namespace: ns, name });
  const [noScale, noPatch, noDelete, noCreateJob, noEvict] = useForbidden([
    scalable.has(type.key) ? check('patch', 'scale') : null,
    check('patch'),
    check('delete'),
    type.key === 'cronjobs' ? { verb: 'create', group: 'batch', resource: 'jobs', namespace: ns } : null,
    type.key === 'nodes' ? { verb: 'create', group: '', resource: 'pods', subresource: 'eviction' } : null,
  ]);

  async function run(label: string, command: string, action: () => Promise<unknown>) {
    setBusy(true);
    try {
      await action();
      setResult({ ok: true, text: label, command });
    } catch (e) {
      setResult({ ok: false, text: `${label} failed: ${(e as Error).message}`, command });
    } finally {
      setBusy(false);
    }
  }

  const scaleTo = (n: number) =>
    run(`Scaled to ${n}`, `kubectl scale ${ref} --replicas=${n}${inNs}`, () => send('PATCH', `${path}/scale`, { spec: { replicas: n } }, 'application/merge-patch+json'));

  const restart = () =>
    run('Restarted (rollout restart)', `kubectl rollout restart ${ref}${inNs}`, () =>
      send('PATCH', `${path}?fieldManager=kubectl-rollout`, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } }, 'application/strategic-merge-patch+json'),
    );

  const setPaused = (paused: boolean) =>
    run(paused ? 'Paused' : 'Resumed', `kubectl rollout ${paused ? 'pause' : 'resume'} ${ref}${inNs}`, () =>
      send('PATCH', `${path}?fieldManager=kubectl-rollout`, { spec: { paused } }, 'application/strategic-merge-patch+json'),
    );

  const setSuspended = (suspend: boolean) =>
    run(suspend ? 'Suspended' : 'Resumed', `kubectl patch ${ref}${inNs} -p '{"spec":{"suspend":${suspend}}}'`, () =>
      send('PATCH', path, { spec: { suspend } }, 'application/merge-patch+json'),
    );

  const runNow = () => {
    const job = `${name}-manual-${Math.random().toString(36).slice(2, 7)}`.slice(0, 63);
    return run(`Created job ${job}`, `kubectl create job ${job} --from=cronjob/${name} -n ${ns}`, async () => {
      const template = object.spec?.jobTemplate ?? {};
      await send('POST', `/apis/batch/v1/namespaces/${ns}/jobs`, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: job,
          namespace: ns,
          labels: template.metadata?.labels,
          annotations: { ...(template.metadata?.annotations ?? {}), 'cronjob.kubernetes.io/instantiate': 'manual' },
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name, uid: object.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: template.spec,
      });
      navigate(`/jobs/${ns}/${job}`);
    });
  };

  const setCordoned = (unschedulable: boolean) =>
    run(unschedulable ? 'Cordoned' : 'Uncordoned', `kubectl ${unschedulable ? 'cordon' : 'uncordon'} ${name}`, () =>
      send('PATCH', path, { spec: { unschedulable: unschedulable || null } }, 'application/strategic-merge-patch+json'),
    );

  const drain = () =>
    run(`Drained ${name}`, `kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data`, async () => {
      await send('PATCH', path, { spec: { unschedulable: true } }, 'application/strategic-merge-patch+json');
      const pods = await getJson<{ items: KubeObject[] }>(`/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${name}`)}`);
      const evictable = pods.items.filter(
        (p) =>
          !p.metadata.annotations?.['kubernetes.io/config.mirror'] &&
          !(p.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet' && o.controller) &&
          p.status?.phase !== 'Succeeded' &&
          p.status?.phase !== 'Failed',
      );
      for (const pod of evictable) {
        const podPath = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
        try {
          await send('POST', `${podPath}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } });
        } catch (e) {
          // Like kubectl: a server without the eviction subresource gets a plain delete.
          if (e instanceof ApiError && (e.code === 404 || e.code === 405)) await api(podPath, { method: 'DELETE' });
          else throw e;
        }
      }
    });

  const remove = () =>
    run(`Deleted ${type.kind} ${name}`, `kubectl delete ${ref}${inNs}`, async () => {
      await send('DELETE', path, { propagationPolicy: 'Background' });
      navigate(`/${type.key}`);
    });

  const cordoned = !!object.spec?.unschedulable;
  return (
    <div className="stack" style={{ gap: 6 }}>
      <div className="btn-group" role="toolbar" aria-label="Actions">
        {scalable.has(type.key) && (
          <WithReason reason={noScale}>
            <span className="btn-group" role="group" aria-label="Scale">
              <button type="button" className="btn" disabled={!!noScale || busy || replicas <= 0} aria-label="Scale down by one" onClick={() => scaleTo(Math.max(0, replicas - 1))}>
                −
              </button>
              <label className="sr-only" htmlFor="replicas">
                Replicas
              </label>
              <input
                id="replicas"
                type="number"
                min={0}
                value={draft}
                disabled={!!noScale}
                onChange={(e) => setDraft(e.target.value)}
                onKeyDown={(e) => e.key === 'Enter' && Number(draft) >= 0 && scaleTo(Number(draft))}
              />
              <button type="button" className="btn" disabled={!!noScale || busy || draft === '' || Number(draft) < 0} onClick={() => scaleTo(Number(draft))}>
                Scale
              </button>
              <button type="button" className="btn" disabled={!!noScale || busy} aria-label="Scale up by one" onClick={() => scaleTo(replicas + 1)}>
                +
              </button>
            </span>
          </WithReason>
        )}
        {restartable.has(type.key) && (
          <WithReason reason={noPatch}>
            <button type="button" className="btn" disabled={!!noPatch || busy} onClick={restart}>
              Restart
            </button>
          </WithReason>
        )}
        {type.key === 'deployments' && (
          <WithReason reason={noPatch}>
            <button type="button" className="btn" disabled={!!noPatch || busy} onClick={() => setPaused(!object.spec?.paused)}>
              {object.spec?.paused ? 'Resume rollout' : 'Pause rollout'}
            </button>
          </WithReason>
        )}
        {type.key === 'cronjobs' && (
          <>
            <WithReason reason={noPatch}>
              <button type="button" className="btn" disabled={!!noPatch || busy} onClick={() => setSuspended(!object.spec?.suspend)}>
                {object.spec?.suspend ? 'Resume' : 'Suspend'}
              </button>
            </WithReason>
            <WithReason reason={noCreateJob}>
              <button type="button" className="btn" disabled={!!noCreateJob || busy} onClick={runNow}>
                Run now
              </button>
            </WithReason>
          </>
        )}
        {type.key === 'nodes' && (
          <>
            <WithReason reason={noPatch}>
              <button type="button" className="btn" disabled={!!noPatch || busy} onClick={() => setCordoned(!cordoned)}>
                {cordoned ? 'Uncordon' : 'Cordon'}
              </button>
            </WithReason>
            <WithReason reason={noPatch ?? noEvict}>
              <button type="button" className="btn" disabled={!!(noPatch ?? noEvict) || busy} onClick={() => setConfirm('drain')}>
                Drain
              </button>
            </WithReason>
          </>
        )}
        <WithReason reason={noDelete}>
          <button type="button" className="btn danger" disabled={!!noDelete || busy} onClick={() => setConfirm('delete')}>
            Delete
          </button>
        </WithReason>
      </div>
      {result && (
        <div className={result.ok ? 'notice' : 'errors'} role={result.ok ? 'status' : 'alert'} data-testid="action-result">
          {result.text}
          {result.command && (
            <div>
              <span className="muted small">Same as: </span>
              <CopyCommand command={result.command} />
            </div>
          )}
        </div>
      )}
      <Dialog open={confirm !== null} onOpenChange={(open) => !open && setConfirm(null)} title={confirm === 'drain' ? `Drain node ${name}?` : `Delete ${type.kind} ${name}?`}>
        <p>
          {confirm === 'drain'
            ? 'The node is cordoned and every pod on it except DaemonSet and static pods is evicted.'
            : `This deletes ${type.kind.toLowerCase()} "${name}"${ns ? ` in namespace ${ns}` : ''}${type.key === 'deployments' ? ' and its ReplicaSets and pods' : ''}.`}
        </p>
        <CopyCommand command={confirm === 'drain' ? `kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data` : `kubectl delete ${ref}${inNs}`} />
        <div className="actions">
          <DialogClose asChild>
            <button type="button" className="btn">
              Cancel
            </button>
          </DialogClose>
          <button
            type="button"
            className="btn danger"
            data-testid="confirm"
            onClick={() => {
              const what = confirm;
              setConfirm(null);
              void (what === 'drain' ? drain() : remove());
            }}
          >
            {confirm === 'drain' ? 'Drain' : 'Delete'}
          </button>
        </div>
      </Dialog>
    </div>
  );
}

