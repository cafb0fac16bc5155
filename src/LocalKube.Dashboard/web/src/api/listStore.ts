import type { ColumnDefinition, KubeObject, Status, TableRow } from './types';

export interface WatchSpec {
  path: string;
  table: boolean;
  labelSelector?: string;
  fieldSelector?: string;
}

export type Item = TableRow | KubeObject;

export interface ListSnapshot<T extends Item = Item> {
  version: number;
  synced: boolean;
  columns: ColumnDefinition[];
  table: boolean;
  items: readonly T[];
  error?: Status;
}

export const objectOf = (item: Item): KubeObject => ('cells' in item ? item.object : item);

const keyOf = (item: Item): string => {
  const meta = objectOf(item).metadata;
  return meta.uid ?? `${meta.namespace ?? ''}/${meta.name}`;
};

/**
 * The state of one list+watch: every item by uid, the Table columns, and a snapshot rebuilt at most every
 * 30 ms, so a burst of events (5,000 pods created) costs one render, not one per event. A relist (after 410
 * Gone, or a reconnect) replaces the items in one step: the list never shows empty in between.
 */
export class ListStore {
  private items = new Map<string, Item>();
  private columns: ColumnDefinition[] = [];
  private table = true;
  private synced = false;
  private error?: Status;
  private version = 0;
  private snapshot: ListSnapshot = { version: 0, synced: false, columns: [], table: true, items: [] };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private listeners = new Set<() => void>();
  refs = 0;
  releaseTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly id: string, readonly spec: WatchSpec) {}

  applySync(columns: ColumnDefinition[] | undefined, table: boolean, items: Item[]) {
    const next = new Map<string, Item>();
    for (const item of items) next.set(keyOf(item), item);
    this.items = next;
    if (columns && columns.length > 0) this.columns = columns;
    this.table = table;
    this.synced = true;
    this.error = undefined;
    this.changed();
  }

  applyEvent(type: string, item: Item) {
    const key = keyOf(item);
    if (type === 'DELETED') this.items.delete(key);
    else this.items.set(key, item);
    this.changed();
  }

  applyError(status: Status) {
    this.error = status;
    this.synced = true;
    this.changed();
  }

  get = (): ListSnapshot => this.snapshot;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed() {
    this.version++;
    if (this.timer !== undefined) return;
    // The first data shows at once; bursts after it are coalesced.
    const delay = this.snapshot.synced ? 30 : 0;
    this.timer = setTimeout(() => this.flush(), delay);
  }

  private flush() {
    this.timer = undefined;
    this.snapshot = {
      version: this.version,
      synced: this.synced,
      columns: this.columns,
      table: this.table,
      items: [...this.items.values()],
      error: this.error,
    };
    for (const listener of [...this.listeners]) listener();
  }
}
