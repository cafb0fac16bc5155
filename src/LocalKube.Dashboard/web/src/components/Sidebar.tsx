import { Link, useLocation } from 'wouter';
import { resourceTypes, sections } from '../api/resources';
import { useObservable } from '../hooks/useWatch';

export function Sidebar() {
  const types = useObservable(resourceTypes);
  const [location] = useLocation();
  const current = location.split('/')[1] ?? '';
  return (
    <nav className="sidebar" aria-label="Resources">
      <Link href="/" aria-current={location === '/' ? 'page' : undefined}>
        Overview <kbd>g o</kbd>
      </Link>
      <Link href="/create" aria-current={location === '/create' ? 'page' : undefined}>
        Create from YAML
      </Link>
      <Link href="/forwards" aria-current={location === '/forwards' ? 'page' : undefined}>
        Port forwards
      </Link>
      {sections.map((section) => {
        const inSection = types.filter((t) => t.section === section);
        if (inSection.length === 0) return null;
        return (
          <div key={section}>
            <h2>{section}</h2>
            {inSection.map((t) => (
              <Link key={t.key} href={`/${t.key}`} aria-current={current === t.key ? 'page' : undefined}>
                <span>{plural(t.kind)}</span>
                {t.hotkey && <kbd aria-label={`shortcut g ${t.hotkey}`}>g {t.hotkey}</kbd>}
              </Link>
            ))}
          </div>
        );
      })}
    </nav>
  );
}

export const plural = (kind: string) =>
  kind.endsWith('ss') ? `${kind}es` : kind.endsWith('s') ? kind : kind.endsWith('y') && !kind.endsWith('ey') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
