import { useMemo } from 'react';
import { useSearchParams } from 'wouter';

const storageKey = 'localkube.dashboard.namespaces';

/** The namespaces the views show (empty: all). In the URL (`?ns=a,b`) so views deep-link, and remembered. */
export function useNamespaces(): [string[], (namespaces: string[]) => void] {
  const [params, setParams] = useSearchParams();
  const fromUrl = params.get('ns');
  const key = fromUrl ?? localStorage.getItem(storageKey) ?? '';
  // The same array while the selection is the same: views memoise on it.
  const selected = useMemo(() => key.split(',').filter(Boolean), [key]);
  const set = (namespaces: string[]) => {
    localStorage.setItem(storageKey, namespaces.join(','));
    setParams(
      (p) => {
        if (namespaces.length > 0) p.set('ns', namespaces.join(','));
        else p.delete('ns');
        return p;
      },
      { replace: true },
    );
  };
  return [selected, set];
}

/** Does a namespace pass the selection? */
export const inNamespaces = (selected: string[], namespace: string | undefined) =>
  selected.length === 0 || namespace === undefined || selected.includes(namespace);
