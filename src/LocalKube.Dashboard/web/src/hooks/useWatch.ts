import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Item, ListSnapshot, WatchSpec } from '../api/listStore';
import { objectOf } from '../api/listStore';
import type { Observable } from '../api/observable';
import type { KubeObject, TableRow } from '../api/types';
import { watchClient } from '../api/watchClient';

const empty: ListSnapshot = { version: 0, synced: false, columns: [], table: true, items: [] };
const noop = () => () => {};

/** A live list (Table rows when `table`, whole objects otherwise). Pass null to watch nothing. */
export function useWatch<T extends Item = Item>(spec: WatchSpec | null): ListSnapshot<T> {
  const key = spec ? JSON.stringify(spec) : '';
  const [store, setStore] = useState<ReturnType<typeof watchClient.acquire>[0] | null>(null);
  useEffect(() => {
    if (!spec) {
      setStore(null);
      return;
    }
    const [acquired, release] = watchClient.acquire(spec);
    setStore(acquired);
    return release;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const snapshot = useSyncExternalStore(store?.subscribe ?? noop, store?.get ?? (() => empty));
  return snapshot as ListSnapshot<T>;
}

export const useTable = (path: string | null, selectors: { labelSelector?: string; fieldSelector?: string } = {}) =>
  useWatch<TableRow>(path ? { path, table: true, ...selectors } : null);

export const useObjects = <T extends KubeObject = KubeObject>(path: string | null, selectors: { labelSelector?: string; fieldSelector?: string } = {}) =>
  useWatch<T>(path ? { path, table: false, ...selectors } : null);

/** One object, live (a watch on its collection with a name field selector, as kubectl get -w does). */
export function useObject<T extends KubeObject = KubeObject>(collection: string | null, name: string) {
  const list = useObjects<T>(collection, { fieldSelector: `metadata.name=${name}` });
  const object = useMemo(() => list.items.find((o) => objectOf(o).metadata.name === name) as T | undefined, [list, name]);
  return { object, synced: list.synced, error: list.error };
}

export function useObservable<T>(observable: Observable<T>): T {
  return useSyncExternalStore(observable.subscribe, observable.get);
}

/** Now, updated every second while mounted: relative ages tick. */
let now = Date.now();
const clockListeners = new Set<() => void>();
setInterval(() => {
  now = Date.now();
  for (const listener of clockListeners) listener();
}, 1000);
export const useNow = () =>
  useSyncExternalStore(
    (listener) => {
      clockListeners.add(listener);
      return () => clockListeners.delete(listener);
    },
    () => now,
  );
