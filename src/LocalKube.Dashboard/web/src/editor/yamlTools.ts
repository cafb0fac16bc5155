import { LineCounter, parseAllDocuments, parseDocument, stringify, type Document } from 'yaml';
import type { LineProblem } from './YamlEditor';

export { stringify };

export interface Parsed {
  value?: any;
  problems: LineProblem[];
  document?: Document;
  lines: LineCounter;
}

/** Parses one YAML document; syntax errors come back with their line, and nothing else happens. */
export function parseOne(text: string): Parsed {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems = document.errors.map((e) => ({ line: lines.linePos(e.pos[0]).line, message: `Line ${lines.linePos(e.pos[0]).line}, column ${lines.linePos(e.pos[0]).col}: ${e.message.split('\n')[0]}` }));
  if (problems.length > 0) return { problems, lines };
  return { value: document.toJS(), problems, document, lines };
}

/** Every document of a multi-document YAML (empty ones skipped), each with its first line. */
export function parseMany(text: string): { values: { value: any; line: number }[]; problems: LineProblem[] } {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const docs = Array.isArray(documents) ? documents : [];
  const problems: LineProblem[] = [];
  const values: { value: any; line: number }[] = [];
  for (const document of docs) {
    for (const e of document.errors) {
      const pos = lines.linePos(e.pos[0]);
      problems.push({ line: pos.line, message: `Line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}` });
    }
    const value = document.errors.length === 0 ? document.toJS() : undefined;
    if (value !== null && value !== undefined) values.push({ value, line: lines.linePos(document.range[0]).line });
  }
  return { values, problems };
}

/**
 * The line of a field named by a Status cause (`spec.template.spec.containers[0].image`, `data[key]`,
 * `metadata.labels`), or of its nearest parent in the document.
 */
export function lineOfField(parsed: Parsed, field: string | undefined): number | undefined {
  if (!field || !parsed.document) return undefined;
  const path: (string | number)[] = [];
  for (const part of field.match(/[^.[\]]+|\[[^\]]*\]/g) ?? []) {
    if (part.startsWith('[')) {
      const inner = part.slice(1, -1);
      path.push(/^\d+$/.test(inner) ? Number(inner) : inner);
    } else path.push(part);
  }
  for (let n = path.length; n > 0; n--) {
    const node = parsed.document.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    // getIn returns the value node; its key sits on the same line for block maps.
    if (node && typeof node === 'object' && node.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return undefined;
}
