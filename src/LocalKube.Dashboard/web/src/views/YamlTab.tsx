import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, getJson, send } from '../api/http';
import { objectPath, type ResourceType } from '../api/resources';
import type { KubeObject, Status } from '../api/types';
import { lineOfField, parseOne, stringify } from '../editor/yamlTools';
import { YamlEditor, type LineProblem } from '../editor/YamlEditor';
import { lineDiff } from '../lib/lineDiff';

type Phase = { step: 'edit' } | { step: 'review'; json: any; diff: ReturnType<typeof lineDiff> } | { step: 'applied'; resourceVersion: string };

const hideManaged = (o: KubeObject, show: boolean) => {
  if (show) return o;
  const { managedFields: _managed, ...metadata } = o.metadata;
  return { ...o, metadata };
};

/**
 * The object as YAML, editable. Review checks the YAML locally first (a syntax error shows its line and nothing
 * is sent), then asks the API server for a dry run (validation errors show against their fields) and shows the
 * diff; Apply replaces the object with the resourceVersion it was read at, so a concurrent change is a conflict,
 * never a silent overwrite.
 */
export default function YamlTab({ type, object }: { type: ResourceType; object: KubeObject }) {
  const path = objectPath(type, object.metadata.namespace, object.metadata.name);
  const [showManaged, setShowManaged] = useState(false);
  const [base, setBase] = useState<KubeObject | null>(null);
  const [text, setText] = useState('');
  const [phase, setPhase] = useState<Phase>({ step: 'edit' });
  const [problems, setProblems] = useState<LineProblem[]>([]);
  const [errors, setErrors] = useState<{ message: string; causes: string[] } | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);

  // The live object (from the page's watch) and our own read or write answer race: the answer often comes first, while
  // the live object is still the version from before the request. That version is older than `base`, not a change
  // on the server, so it must not count as one (it used to reload at once, which also cleared the "Applied" notice).
  const live = object.metadata.resourceVersion;
  const liveNow = useRef(live);
  useEffect(() => {
    liveNow.current = live;
  }, [live]);
  const [liveBeforeBase, setLiveBeforeBase] = useState<string | undefined>();

  const load = useCallback(async () => {
    const before = liveNow.current;
    const fresh = await getJson<KubeObject>(path);
    setBase(fresh);
    setLiveBeforeBase(before);
    setText(stringify(hideManaged(fresh, showManaged)));
    setProblems([]);
    setErrors(null);
    setConflict(false);
    setPhase({ step: 'edit' });
  }, [path, showManaged]);

  useEffect(() => {
    void load();
  }, [load]);

  const original = useMemo(() => (base ? stringify(hideManaged(base, showManaged)) : ''), [base, showManaged]);
  const edited = text !== original;
  const changedOnServer = base !== null && live !== base.metadata.resourceVersion && live !== liveBeforeBase;

  // Untouched text follows the live object.
  useEffect(() => {
    if (changedOnServer && !edited && phase.step !== 'review') void load();
  }, [changedOnServer, edited, load, phase.step]);

  function showServerError(e: unknown, parsed: ReturnType<typeof parseOne>) {
    if (e instanceof ApiError && e.code === 409) {
      setConflict(true);
      setErrors({ message: e.message, causes: [] });
      return;
    }
    const status: Status = e instanceof ApiError ? e.status : { message: (e as Error).message };
    const causes = (status.details?.causes ?? []).map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`);
    setErrors({ message: status.message ?? 'The API server refused the change.', causes });
    const marks: LineProblem[] = [];
    for (const cause of status.details?.causes ?? []) {
      const line = lineOfField(parsed, cause.field);
      if (line) marks.push({ line, message: `${cause.field}: ${cause.message ?? cause.reason}` });
    }
    setProblems(marks);
  }

  async function review() {
    setErrors(null);
    setConflict(false);
    const parsed = parseOne(text);
    setProblems(parsed.problems);
    if (parsed.problems.length > 0 || parsed.value === undefined) {
      setErrors({ message: 'The YAML does not parse; nothing was sent.', causes: parsed.problems.map((p) => p.message) });
      return;
    }
    const json = parsed.value;
    if (typeof json !== 'object' || Array.isArray(json) || json === null) {
      setErrors({ message: 'The YAML must be one object (a mapping); nothing was sent.', causes: [] });
      return;
    }
    setBusy(true);
    try {
      // Strict: unknown or duplicate fields are errors, as kubectl's default --validate=strict makes them.
      const dry = await send<KubeObject>('PUT', `${path}?dryRun=All&fieldValidation=Strict`, json);
      setPhase({ step: 'review', json, diff: lineDiff(original, stringify(hideManaged(dry, showManaged))) });
    } catch (e) {
      showServerError(e, parsed);
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    if (phase.step !== 'review') return;
    setBusy(true);
    try {
      const before = liveNow.current;
      const saved = await send<KubeObject>('PUT', `${path}?fieldValidation=Strict`, phase.json);
      setBase(saved);
      setLiveBeforeBase(before);
      setText(stringify(hideManaged(saved, showManaged)));
      setProblems([]);
      setPhase({ step: 'applied', resourceVersion: saved.metadata.resourceVersion ?? '' });
    } catch (e) {
      setPhase({ step: 'edit' });
      showServerError(e, parseOne(text));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <div className="toolbar">
        <label className="check">
          <input type="checkbox" checked={showManaged} onChange={(e) => setShowManaged(e.target.checked)} /> Show managedFields
        </label>
        <span className="spacer" />
        <button type="button" className="btn" onClick={() => void load()} disabled={busy}>
          Reload
        </button>
        <button type="button" className="btn primary" onClick={review} disabled={busy || !edited} data-testid="yaml-review">
          Review changes
        </button>
      </div>
      {changedOnServer && edited && !conflict && (
        <div className="notice" role="status">
          The {type.kind} changed on the server since you started editing. Applying now will be refused as a conflict;
          reload to start from the new version.
        </div>
      )}
      {errors && (
        <div className="errors" role="alert" data-testid="yaml-errors">
          {errors.message}
          {errors.causes.length > 0 && (
            <ul>
              {errors.causes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          )}
          {conflict && (
            <p>
              <button type="button" className="btn small" onClick={() => void load()}>
                Reload the latest version
              </button>
            </p>
          )}
        </div>
      )}
      {phase.step === 'applied' && (
        <div className="notice" role="status" data-testid="yaml-applied">
          Applied. The {type.kind} is now at resourceVersion {phase.resourceVersion}.
        </div>
      )}
      {phase.step === 'review' ? (
        <section className="card" aria-label="Changes to apply">
          <h2>Changes (validated by a server-side dry run)</h2>
          <pre style={{ margin: 0, maxHeight: 420, overflow: 'auto' }} data-testid="yaml-diff">
            {phase.diff
              .filter((l, i, all) => l.kind !== ' ' || all.slice(Math.max(0, i - 3), i + 4).some((x) => x.kind !== ' '))
              .map((line, i) => (
                <div key={i} className={line.kind === '+' ? 'text-ok' : line.kind === '-' ? 'text-bad' : 'muted'}>
                  {line.kind} {line.text}
                </div>
              ))}
          </pre>
          <div className="row-flex" style={{ marginTop: 10 }}>
            <button type="button" className="btn primary" onClick={apply} disabled={busy} data-testid="yaml-apply">
              Apply
            </button>
            <button type="button" className="btn" onClick={() => setPhase({ step: 'edit' })}>
              Back to editing
            </button>
          </div>
        </section>
      ) : (
        base && <YamlEditor value={text} onChange={setText} problems={problems} label={`YAML of ${type.kind} ${object.metadata.name}`} />
      )}
    </div>
  );
}
