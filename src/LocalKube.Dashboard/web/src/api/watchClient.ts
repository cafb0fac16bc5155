import { ListStore, type WatchSpec } from './listStore';
import { Observable } from './observable';
import type { Health } from './types';

export type Connection = 'connecting' | 'open' | 'lost' | 'stopped';

/**
 * The page's one WebSocket to the dashboard server. Every list and object the page shows is a list+watch
 * multiplexed over it; the server lists, watches, resumes from resourceVersion and relists on 410 by itself,
 * and reports the cluster's health. When the socket drops, it reconnects and asks again for every watch still
 * in use: each answers with a fresh sync, so views recover without a reload.
 */
export class WatchClient {
  readonly connection = new Observable<Connection>('connecting');
  readonly health = new Observable<Health>({ reachable: true, ready: true, checks: [] });

  private socket?: WebSocket;
  private stores = new Map<string, ListStore>();
  private byId = new Map<string, ListStore>();
  private nextId = 1;
  private retry = 0;
  private stoppedByServer = false;

  constructor(private readonly url: string) {
    this.connect();
  }

  /** A store for this watch, shared by everyone asking the same; call the returned release when done. */
  acquire(spec: WatchSpec): [ListStore, () => void] {
    const key = JSON.stringify([spec.path, spec.table, spec.labelSelector ?? '', spec.fieldSelector ?? '']);
    let store = this.stores.get(key);
    if (!store) {
      store = new ListStore(String(this.nextId++), spec);
      this.stores.set(key, store);
      this.byId.set(store.id, store);
      this.send({ op: 'watch', id: store.id, ...spec });
    }

    const s = store;
    s.refs++;
    if (s.releaseTimer !== undefined) {
      clearTimeout(s.releaseTimer);
      s.releaseTimer = undefined;
    }

    let released = false;
    return [
      s,
      () => {
        if (released) return;
        released = true;
        if (--s.refs > 0) return;
        // Keep it a moment: moving between views that share a list must not relist.
        s.releaseTimer = setTimeout(() => {
          if (s.refs > 0) return;
          this.stores.delete(key);
          this.byId.delete(s.id);
          this.send({ op: 'cancel', id: s.id });
        }, 5000);
      },
    ];
  }

  private connect() {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 0;
      this.stoppedByServer = false;
      this.connection.set('open');
      for (const store of this.stores.values()) socket.send(JSON.stringify({ op: 'watch', id: store.id, ...store.spec }));
    };
    socket.onmessage = (event) => this.receive(event.data as string);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.connection.set(this.stoppedByServer || this.retry >= 3 ? 'stopped' : 'lost');
      const delay = Math.min(5000, 250 * 2 ** this.retry++);
      setTimeout(() => this.connect(), delay);
    };
  }

  private receive(text: string) {
    const message = JSON.parse(text);
    switch (message.t) {
      case 'health':
        this.health.set({ reachable: message.reachable, ready: message.ready, message: message.message, since: message.since, checks: message.checks ?? [] });
        break;
      case 'sync':
        this.byId.get(message.id)?.applySync(message.columns, message.table !== false, message.items ?? []);
        break;
      case 'event':
        this.byId.get(message.id)?.applyEvent(message.type, message.item);
        break;
      case 'error':
        this.byId.get(message.id)?.applyError({ code: message.code, reason: message.reason, message: message.message });
        break;
      case 'stopping':
        this.stoppedByServer = true;
        this.connection.set('stopped');
        break;
    }
  }

  private send(message: object) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}

export const watchClient = new WatchClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/watch`);
