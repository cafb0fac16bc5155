import { useEffect, useRef, useState } from 'react';
import { objectOf } from '../api/listStore';
import { useNamespaces } from '../hooks/useNamespaces';
import { useTable } from '../hooks/useWatch';

/** One, several or all namespaces; all by default. */
export function NamespacePicker() {
  const [selected, setSelected] = useNamespaces();
  const [open, setOpen] = useState(false);
  const list = useTable('/api/v1/namespaces');
  const names = list.items.map((r) => objectOf(r).metadata.name).sort();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  const label = selected.length === 0 ? 'All namespaces' : selected.length === 1 ? selected[0] : `${selected.length} namespaces`;
  const toggle = (name: string) => setSelected(selected.includes(name) ? selected.filter((n) => n !== name) : [...selected, name]);
  return (
    <div className="ns-picker" ref={ref}>
      <button type="button" className="btn" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="namespace-picker">
        <span className="muted">Namespace:</span> {label} ▾
      </button>
      {open && (
        <div className="popover" role="group" aria-label="Namespaces">
          <label className="check">
            <input type="checkbox" checked={selected.length === 0} onChange={() => setSelected([])} /> All namespaces
          </label>
          <hr />
          {names.map((name) => (
            <label key={name} className="check">
              <input type="checkbox" checked={selected.includes(name)} onChange={() => toggle(name)} /> {name}
            </label>
          ))}
          {selected.length > 0 && (
            <div className="row-flex" style={{ marginTop: 6 }}>
              <button type="button" className="btn small" onClick={() => setOpen(false)}>
                Done
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
