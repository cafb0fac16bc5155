import { resourceTypes } from '../api/resources';
import { Dialog } from './Dialog';

export function KeyboardHelp({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const rows: [string, string][] = [
    ['/', 'Filter the list'],
    ['?', 'This help'],
    ['g o', 'Overview'],
    ['g f', 'Port forwards'],
    ...resourceTypes.get().filter((t) => t.hotkey).map((t): [string, string] => [`g ${t.hotkey}`, t.kind + ' list']),
    ['Enter / Shift+Enter', 'Next / previous log match'],
    ['Esc', 'Close a dialog'],
  ];
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Keyboard shortcuts">
      <table className="kbd-help">
        <tbody>
          {rows.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
