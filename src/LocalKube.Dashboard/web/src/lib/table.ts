import type { ColumnDefinition, TableRow } from '../api/types';

/** The index of a Table column by name (case-insensitive), or -1. */
export const columnIndex = (columns: ColumnDefinition[], name: string) =>
  columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());

export const cellText = (row: TableRow, index: number) => (index < 0 || row.cells[index] == null ? '' : String(row.cells[index]));

export type PodCategory = 'running' | 'pending' | 'failing' | 'completed';

/** The overview's buckets, from the STATUS and READY cells kubectl prints. */
export function podCategory(status: string, ready: string): PodCategory {
  if (/^(Completed|Succeeded)$/.test(status)) return 'completed';
  if (/(Err|BackOff|Crash|Fail|Error|OOM|Evicted|Unknown|ExitCode|Signal|Invalid|NotReady)/.test(status)) return 'failing';
  if (status === 'Running') {
    const m = /^(\d+)\/(\d+)$/.exec(ready);
    return m && m[1] !== m[2] ? 'pending' : 'running';
  }
  if (status === 'Terminating') return 'completed';
  return 'pending';
}
