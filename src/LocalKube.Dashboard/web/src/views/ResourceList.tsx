import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { objectOf } from '../api/listStore';
import { collectionPath, findType, resourceTypes, type ResourceType } from '../api/resources';
import type { ColumnDefinition, KubeObject, TableRow } from '../api/types';
import { Age } from '../components/Age';
import { StatusBadge } from '../components/StatusBadge';
import { plural } from '../components/Sidebar';
import { inNamespaces, useNamespaces } from '../hooks/useNamespaces';
import { useObservable, useTable } from '../hooks/useWatch';
import { toneOf, toneOfRatio } from '../lib/status';
import { cellText, columnIndex, podCategory } from '../lib/table';

interface Entry {
  row: TableRow;
  name: string;
  namespace: string;
  created: string;
  search: string;
}

const statusColumns = new Set(['status', 'phase']);

export function ResourceList({ resource }: { resource: string }) {
  useObservable(resourceTypes);
  const type = findType(resource);
  if (!type) return <p className="muted">Unknown resource type “{resource}” (still discovering?).</p>;
  return <ListOf key={type.key} type={type} />;
}

function ListOf({ type }: { type: ResourceType }) {
  const [namespaces] = useNamespaces();
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const labelSelector = params.get('l') ?? '';
  const wide = params.get('wide') === '1';
  const failingOnly = params.get('status') === 'failing';
  const [sorting, setSorting] = useState<SortingState>(() => {
    const s = params.get('sort');
    return s ? [{ id: s.replace(/:desc$/, ''), desc: s.endsWith(':desc') }] : [];
  });
  const [labelDraft, setLabelDraft] = useState(labelSelector);

  const single = type.namespaced && namespaces.length === 1 ? namespaces[0] : undefined;
  const list = useTable(collectionPath(type, single), labelSelector ? { labelSelector } : {});
  const showNamespace = type.namespaced && !single;

  const setParam = (key: string, value: string | null) =>
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace: true },
    );

  const columns = list.columns;
  const statusIndex = columns.findIndex((c) => statusColumns.has(c.name.toLowerCase()));
  const readyIndex = columnIndex(columns, 'Ready');

  const entries = useMemo<Entry[]>(() => {
    const out: Entry[] = [];
    for (const item of list.items) {
      const row: TableRow = 'cells' in item ? item : { cells: [], object: item as KubeObject };
      const meta = objectOf(item).metadata;
      if (!inNamespaces(namespaces, meta.namespace)) continue;
      if (failingOnly) {
        const status = cellText(row, statusIndex);
        const failing = type.key === 'pods' ? podCategory(status, cellText(row, readyIndex)) === 'failing' : toneOf(status) === 'bad' || toneOfRatio(cellText(row, readyIndex)) === 'bad';
        if (!failing) continue;
      }
      out.push({
        row,
        name: meta.name,
        namespace: meta.namespace ?? '',
        created: meta.creationTimestamp ?? '',
        search: `${meta.namespace ?? ''} ${row.cells.map((c) => (c == null ? '' : String(c))).join(' ')} ${meta.name}`.toLowerCase(),
      });
    }
    return out;
  }, [list.items, namespaces, failingOnly, statusIndex, readyIndex, type.key]);

  const columnDefs = useMemo<ColumnDef<Entry>[]>(() => {
    const defs: ColumnDef<Entry>[] = [];
    const visible: [ColumnDefinition, number][] = columns.map((c, i): [ColumnDefinition, number] => [c, i]).filter(([c]) => wide || !c.priority);
    if (columns.length === 0) {
      visible.push([{ name: 'Name', type: 'string', format: 'name' }, -1], [{ name: 'Age', type: 'date' }, -2]);
    }
    if (showNamespace) {
      defs.push({ id: 'namespace', header: 'Namespace', accessorFn: (e) => e.namespace });
    }
    for (const [column, index] of visible) {
      const id = column.name;
      const isName = column.format === 'name' || index === -1;
      const isAge = column.name === 'Age' || index === -2 || (column.type === 'date' && column.name === 'Created At');
      defs.push({
        id,
        header: column.name,
        accessorFn: (e) => (isName ? e.name : isAge ? e.created : e.row.cells[index]),
        sortingFn: isAge ? (a, b) => b.original.created.localeCompare(a.original.created) : column.type === 'integer' || column.type === 'number' ? 'basic' : 'alphanumeric',
        meta: { description: column.description },
        cell: (info) => {
          const e = info.row.original;
          if (isName) {
            return (
              <Link href={`/${type.key}/${e.namespace || '_'}/${e.name}`} data-testid="row-link">
                {e.name}
              </Link>
            );
          }
          if (isAge) return <Age timestamp={e.created} />;
          const value = e.row.cells[index];
          const textValue = value == null ? '' : String(value);
          if (index === statusIndex) return <StatusBadge status={textValue} />;
          if (index === readyIndex) {
            const tone = toneOfRatio(textValue);
            return <span className={tone ? `text-${tone === 'muted' ? 'progress' : tone}` : undefined}>{textValue}</span>;
          }
          return <span title={textValue}>{textValue}</span>;
        },
      });
    }
    return defs;
  }, [columns, wide, showNamespace, statusIndex, readyIndex, type.key]);

  const table = useReactTable({
    data: entries,
    columns: columnDefs,
    state: { sorting, globalFilter: text },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      setSorting(next);
      setParam('sort', next[0] ? `${next[0].id}${next[0].desc ? ':desc' : ''}` : null);
    },
    globalFilterFn: (row, _id, value: string) => row.original.search.includes(value.toLowerCase()),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: (e) => `${e.namespace}/${e.name}`,
    // No pagination: a reset of the (unused) page index on every data change re-renders for ever.
    autoResetAll: false,
    autoResetPageIndex: false,
  });

  const rows = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 32, overscan: 20 });
  const items = virtual.getVirtualItems();
  const top = items.length > 0 ? items[0].start : 0;
  const bottom = items.length > 0 ? virtual.getTotalSize() - items[items.length - 1].end : 0;
  const where = single ? `${single} namespace` : namespaces.length > 0 ? `namespaces ${namespaces.join(', ')}` : 'any namespace';

  return (
    <div>
      <div className="list-header">
        <h1>{plural(type.kind)}</h1>
        <span className="muted" data-testid="row-count" aria-live="polite">
          {list.synced ? `${rows.length}${rows.length !== entries.length ? ` of ${entries.length}` : ''}` : 'loading…'}
        </span>
        {failingOnly && (
          <button type="button" className="btn small" onClick={() => setParam('status', null)}>
            Showing failing only ✕
          </button>
        )}
      </div>
      <div className="toolbar" role="search">
        <label className="sr-only" htmlFor="filter">
          Filter
        </label>
        <input id="filter" type="search" placeholder="Filter (press /)" value={text} data-filter onChange={(e) => setParam('q', e.target.value || null)} />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setParam('l', labelDraft.trim() || null);
          }}
        >
          <label className="sr-only" htmlFor="labels">
            Label selector
          </label>
          <input id="labels" type="text" placeholder="Label selector, e.g. app=web" value={labelDraft} onChange={(e) => setLabelDraft(e.target.value)} />
        </form>
        <label className="check">
          <input type="checkbox" checked={wide} onChange={(e) => setParam('wide', e.target.checked ? '1' : null)} /> Wide
        </label>
        <span className="spacer" />
        <Link href={`/create?kind=${type.key}`} className="btn">
          + Create {type.kind}
        </Link>
      </div>
      {list.error ? (
        <div className="errors" role="alert">
          Cannot list {type.resource}: {list.error.message}
        </div>
      ) : (
        <div className="table-wrap" ref={scroller} style={{ maxHeight: 'calc(100vh - 210px)' }}>
          <table className="data" aria-rowcount={rows.length + 1}>
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => {
                    const sorted = header.column.getIsSorted();
                    return (
                      <th key={header.id} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'} title={(header.column.columnDef.meta as { description?: string } | undefined)?.description}>
                        <button type="button" onClick={header.column.getToggleSortingHandler()}>
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden="true">{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}</span>
                        </button>
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody>
              {top > 0 && (
                <tr className="spacer" aria-hidden="true">
                  <td style={{ height: top }} colSpan={columnDefs.length} />
                </tr>
              )}
              {items.map((item) => {
                const row = rows[item.index];
                return (
                  <tr key={row.id} data-name={row.original.name} aria-rowindex={item.index + 2}>
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} className={typeof cell.getValue() === 'number' ? 'num' : undefined}>
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                );
              })}
              {bottom > 0 && (
                <tr className="spacer" aria-hidden="true">
                  <td style={{ height: bottom }} colSpan={columnDefs.length} />
                </tr>
              )}
            </tbody>
          </table>
          {list.synced && rows.length === 0 && (
            <p className="empty">
              {entries.length === 0 ? `No ${type.resource} found in ${where}.` : 'Nothing matches the filter.'}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
