import { useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { ApiError, send } from '../api/http';
import { collectionPath, typeOfKind } from '../api/resources';
import { parseMany } from '../editor/yamlTools';
import { YamlEditor, type LineProblem } from '../editor/YamlEditor';
import { useNamespaces } from '../hooks/useNamespaces';

interface Outcome {
  ok: boolean;
  text: string;
  causes?: string[];
  link?: string;
}

const templates: Record<string, string> = {
  deployments: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
`,
  configmaps: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: hello
`,
};

/** Create from pasted, uploaded or dropped YAML (several documents at once), with a server-side dry run first. */
export default function CreateFromYaml() {
  const [params] = useSearchParams();
  const [namespaces] = useNamespaces();
  const defaultNamespace = namespaces.length === 1 ? namespaces[0] : 'default';
  const kind = params.get('kind') ?? '';
  const [text, setText] = useState(templates[kind] ?? '');
  const [problems, setProblems] = useState<LineProblem[]>([]);
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(dryRun: boolean) {
    const { values, problems: syntax } = parseMany(text);
    setProblems(syntax);
    if (syntax.length > 0) {
      setOutcomes([{ ok: false, text: 'The YAML does not parse; nothing was sent.', causes: syntax.map((p) => p.message) }]);
      return;
    }
    if (values.length === 0) {
      setOutcomes([{ ok: false, text: 'Nothing to create: the YAML is empty.' }]);
      return;
    }
    setBusy(true);
    const results: Outcome[] = [];
    const lineProblems: LineProblem[] = [];
    const items = values.flatMap((v) => (v.value?.kind === 'List' && Array.isArray(v.value.items) ? v.value.items.map((value: any) => ({ value, line: v.line })) : [v]));
    for (const { value, line } of items) {
      const type = value?.kind ? typeOfKind(value.apiVersion, value.kind) : undefined;
      const label = `${(value?.kind ?? 'object').toLowerCase()}${type?.group ? `.${type.group}` : ''}/${value?.metadata?.name ?? value?.metadata?.generateName ?? '?'}`;
      if (!type) {
        results.push({ ok: false, text: `${label}: unknown kind ${value?.apiVersion ?? ''} ${value?.kind ?? '(no kind)'}` });
        lineProblems.push({ line, message: 'Unknown apiVersion/kind' });
        continue;
      }
      const namespace = type.namespaced ? value.metadata?.namespace ?? defaultNamespace : undefined;
      try {
        const created = await send('POST', `${collectionPath(type, namespace)}?fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`, value);
        const name = created.metadata?.name ?? value.metadata?.name;
        results.push({
          ok: true,
          text: `${label.replace(/\/[^/]*$/, `/${name}`)} ${dryRun ? 'would be created (server dry run)' : 'created'}`,
          link: dryRun ? undefined : `/${type.key}/${namespace ?? '_'}/${name}`,
        });
      } catch (e) {
        const causes = e instanceof ApiError ? e.causes.map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`) : [];
        results.push({ ok: false, text: `${label}: ${(e as Error).message}`, causes });
        lineProblems.push({ line, message: (e as Error).message });
      }
    }
    setProblems(lineProblems);
    setOutcomes(results);
    setBusy(false);
  }

  async function load(file: File) {
    setText(await file.text());
    setOutcomes(null);
  }

  return (
    <div className="stack">
      <h1>Create from YAML</h1>
      <p className="muted">
        Paste, upload or drop one or more documents (separated by <code>---</code>). Objects without a namespace go to <strong>{defaultNamespace}</strong>.
      </p>
      <div
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const file = e.dataTransfer.files[0];
          if (file) void load(file);
        }}
      >
        <YamlEditor value={text} onChange={setText} problems={problems} label="YAML to create" />
      </div>
      <div className="row-flex">
        <label className="btn">
          Upload file…
          <input type="file" accept=".yaml,.yml,.json,text/yaml,application/json" className="sr-only" onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
        </label>
        <span className="spacer" style={{ flex: 1 }} />
        <button type="button" className="btn" disabled={busy || !text.trim()} onClick={() => submit(true)} data-testid="create-dry-run">
          Dry run
        </button>
        <button type="button" className="btn primary" disabled={busy || !text.trim()} onClick={() => submit(false)} data-testid="create-submit">
          Create
        </button>
      </div>
      {outcomes && (
        <ul className="card" style={{ listStyle: 'none', margin: 0 }} aria-live="polite" data-testid="create-results">
          {outcomes.map((o, i) => (
            <li key={i} className={o.ok ? 'text-ok' : 'text-bad'} style={{ padding: '3px 0' }}>
              {o.ok ? '✓ ' : '✗ '}
              {o.link ? <Link href={o.link}>{o.text}</Link> : o.text}
              {o.causes && o.causes.length > 0 && (
                <ul>
                  {o.causes.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
