import { useEffect, useState } from 'react';
import { local } from '../api/http';

export interface Check {
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

interface Answer {
  allowed: boolean;
  reason?: string;
}

const cache = new Map<string, Promise<Answer>>();
let pending: { key: string; check: Check; resolve: (a: Answer) => void }[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

// Questions asked in the same tick go to the server as one batch of SelfSubjectAccessReviews.
function ask(check: Check): Promise<Answer> {
  const key = JSON.stringify(check);
  const known = cache.get(key);
  if (known) return known;
  const promise = new Promise<Answer>((resolve) => {
    pending.push({ key, check, resolve });
    timer ??= setTimeout(async () => {
      const batch = pending;
      pending = [];
      timer = undefined;
      try {
        const answers = await local<Answer[]>('/api/can-i', { method: 'POST', body: JSON.stringify(batch.map((p) => p.check)) });
        batch.forEach((p, i) => p.resolve(answers[i] ?? { allowed: true }));
      } catch {
        batch.forEach((p) => p.resolve({ allowed: true }));
      }
      setTimeout(() => batch.forEach((p) => cache.delete(p.key)), 30000);
    }, 0);
  });
  cache.set(key, promise);
  return promise;
}

/** For each check, null while unknown or allowed, else the reason it is forbidden. */
export function useForbidden(checks: (Check | null)[]): (string | null)[] {
  const key = JSON.stringify(checks);
  const [reasons, setReasons] = useState<(string | null)[]>(() => checks.map(() => null));
  useEffect(() => {
    let live = true;
    Promise.all(checks.map((c) => (c ? ask(c) : Promise.resolve({ allowed: true } as Answer)))).then((answers) => {
      if (live) setReasons(answers.map((a) => (a.allowed ? null : a.reason ?? 'Forbidden by RBAC.')));
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return reasons;
}
