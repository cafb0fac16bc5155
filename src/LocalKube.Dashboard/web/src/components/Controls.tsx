/** The container picker of the logs and shell tabs. */
export function ContainerPicker({ value, onChange, containers }: { value: string; onChange: (name: string) => void; containers: { name: string; init?: boolean }[] }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Container">
      {containers.map((c) => (
        <option key={c.name} value={c.name}>
          {c.name}
          {c.init ? ' (init)' : ''}
        </option>
      ))}
    </select>
  );
}

/** A labelled checkbox. */
export function Toggle({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}
