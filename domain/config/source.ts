import { isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { Problem } from '../errors';
import { aliasProblem, yamlProblems } from './yaml-errors';

/** A parsed YAML document that still knows where each value stood in its file. */
export interface YamlSource {
  file: string;
  /**
   * The document as data. After a syntax error it is what the parser could still read (the mistaken
   * part is missing or misread), so the other checks still run; see `syntaxProblems`.
   */
  data: unknown;
  /** Problems found while parsing (syntax errors), already positioned, one per mistake. */
  syntaxProblems: Problem[];
  locate(path: readonly PropertyKey[]): { line: number; column: number } | undefined;
  /** The lines the value at `path` takes in the file (the whole file for the root), if it is there. */
  span(path: readonly PropertyKey[]): [number, number] | undefined;
  /** Where line `line`, column `column` of the text held at `path` stands in the file (for Liquid errors). */
  locateInText(
    path: readonly PropertyKey[],
    line: number,
    column: number,
  ): { line: number; column: number } | undefined;
}

export function parseYaml(file: string, text: string): YamlSource {
  const parse = (source: string) => {
    const lineCounter = new LineCounter();
    const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
    return { doc, lineCounter };
  };
  const original = parse(text);
  const syntaxProblems = yamlProblems(file, text, original.doc.errors, original.lineCounter);
  // The parser's own recovery can misread everything after a mistake (after an unquoted ": " the
  // keys below become part of that value). Read the file again with the mistaken lines left empty:
  // every other line keeps its place, so the other checks run on it and point at the right spots.
  const { doc, lineCounter }: { doc: Document; lineCounter: LineCounter } = syntaxProblems.length
    ? parse(withoutLines(text, new Set(syntaxProblems.map((p) => p.line))))
    : original;
  const locate = (path: readonly PropertyKey[]) => {
    // Walk up until a node exists: a missing field is reported where its parent object is.
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
  const span = (path: readonly PropertyKey[]): [number, number] | undefined => {
    if (path.length === 0) return [1, Infinity];
    const node = doc.getIn(path as unknown[], true);
    if (!isNode(node) || !node.range) return undefined;
    // From the line above: a mapping's first key may stand on the line of the key that holds it.
    return [lineCounter.linePos(node.range[0]).line - 1, lineCounter.linePos(node.range[1]).line];
  };
  const lines = text.split(/\r?\n/);
  const locateInText = (path: readonly PropertyKey[], line: number, column: number) => {
    const node = doc.getIn(path as unknown[], true);
    if (!isScalar(node) || !node.range) return undefined;
    const start = lineCounter.linePos(node.range[0]);
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      // The text starts on the line after the `|`, indented; folded (`>`) lines are approximate.
      const fileLine = start.line + line;
      const indent = /^\s*/.exec(lines[fileLine - 1] ?? '')?.[0].length ?? 0;
      return { line: fileLine, column: indent + column };
    }
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
    return line === 1
      ? { line: start.line, column: start.col + quoted + column - 1 }
      : { line: start.line + line - 1, column };
  };
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    syntaxProblems.push(aliasProblem(file, (e as Error).message));
  }
  return { file, data, syntaxProblems, locate, span, locateInText };
}

function withoutLines(text: string, lines: ReadonlySet<number | undefined>): string {
  return text
    .split('\n')
    .map((line, i) => (lines.has(i + 1) ? '' : line))
    .join('\n');
}
