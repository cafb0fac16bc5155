import { useSearchParams } from 'wouter';

const key = 'localkube.dashboard.namespaces';

const stored = (): string[] => {
  const value = localStorage.getItem(key);
  return value ? value.split(',').filter(Boolean) : [];
};

/** The namespaces the views show (empty: all). In the URL (`?ns=a,b`) so views deep-link, and remembered. */
export function useNamespaces(): [string[], (namespaces: string[]) => void] {
  const [params, setParams] = useSearchParams();
  const fromUrl = params.get('ns');
  const selected = fromUrl !== null ? fromUrl.split(',').filter(Boolean) : stored();
  const set = (namespaces: string[]) => {
    localStorage.setItem(key, namespaces.join(','));
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
