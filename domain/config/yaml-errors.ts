import type { LineCounter, YAMLError } from 'yaml';
import type { Problem } from '../errors';

/**
 * YAML syntax errors in plain words: one problem per mistake, at its line and column, quoting the line
 * and saying how to fix it. The parser often reports one mistake several times (a stray `- ` is an
 * unexpected token, a multi-line key and a key without value at once); only the clearest is kept.
 */
export function yamlProblems(
  file: string,
  text: string,
  errors: readonly YAMLError[],
  lineCounter: LineCounter,
): Problem[] {
  const lines = text.split(/\r?\n/);
  const byLine = new Map<number, { error: YAMLError; column: number }>();
  for (const error of errors) {
    const pos = lineCounter.linePos(openingBracket(text, error) ?? error.pos[0]);
    const kept = byLine.get(pos.line);
    if (!kept || rank(error) < rank(kept.error)) byLine.set(pos.line, { error, column: pos.col });
  }
  return [...byLine.entries()].map(([line, { error, column }]) => {
    const lineText = lines[line - 1] ?? '';
    return {
      source: file,
      line,
      column,
      field: 'YAML',
      // The end of the file is where an unclosed bracket is noticed: quoting that empty line helps no one.
      value: lineText.trim() === '' ? undefined : lineText.trim(),
      expected: plainWords(error, lineText),
    };
  });
}

/**
 * An unclosed `[`, `{` or quote is noticed where the file (or the block) ends; the mistake is where
 * it opened, so that is where it is reported: the last one before the error.
 */
function openingBracket(text: string, error: YAMLError): number | undefined {
  const quote = /^Missing closing (["'])quote/.exec(error.message)?.[1];
  const bracket =
    error.code === 'MISSING_CHAR'
      ? quote
      : error.code !== 'BAD_INDENT'
        ? undefined
        : error.message.startsWith('Flow sequence')
          ? '['
          : error.message.startsWith('Flow map')
            ? '{'
            : undefined;
  if (!bracket) return undefined;
  const at = text.lastIndexOf(bracket, error.pos[0]);
  return at === -1 ? undefined : at;
}

/** An alias whose anchor is missing only shows when the document is turned into data. */
export function aliasProblem(file: string, message: string): Problem {
  return {
    source: file,
    field: 'YAML',
    expected: `an anchor (\`&name\`) defined before its alias (\`*name\`): ${message}`,
  };
}

/** Which of several errors on one line says most about the mistake: lower is clearer. */
function rank(error: YAMLError): number {
  const order = [
    'TAB_AS_INDENT',
    'DUPLICATE_KEY',
    'BAD_DQ_ESCAPE',
    'BLOCK_AS_IMPLICIT_KEY',
    'UNEXPECTED_TOKEN',
    'BAD_INDENT',
    'MISSING_CHAR',
    'MULTILINE_IMPLICIT_KEY',
  ];
  const i = order.indexOf(error.code);
  return i === -1 ? order.length : i;
}

function plainWords(error: YAMLError, lineText: string): string {
  const message = error.message.split('\n')[0] ?? '';
  switch (error.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
      return /:\s.*:\s/.test(lineText) || /:\s.*:$/.test(lineText.trim())
        ? 'a value without an unquoted ": " in it: quote a value that contains ": " (e.g. title: "Note: read this")'
        : 'one key per line, its nested keys indented below it: quote a value that contains ": ", or check the indentation of this line and the next';
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key followed by ":" on its own line: add the missing ":" after the key, or check the indentation (a line indented deeper than the one above continues it)';
    case 'BAD_INDENT':
      if (message.startsWith('Flow sequence'))
        return 'a "]" closing the list opened with "[" here (or each item on its own "- " line)';
      if (message.startsWith('Flow map')) return 'a "}" closing the mapping opened with "{" here';
      if (message.includes('same column'))
        return 'every key of a mapping at the same column: line this key up with the keys above it';
      return 'consistent indentation: indent nested keys and list items by the same number of spaces';
    case 'MISSING_CHAR':
      if (message.includes('quote'))
        return 'a closing quote for the text that opens here (or a value without quotes)';
      if (message.includes('map values'))
        return 'a key followed by ":" and its value: add the missing ":" after the key, or indent this line under its key';
      return `a character that is missing here (${message})`;
    case 'DUPLICATE_KEY':
      return 'each key once per mapping: remove or rename this repeated key (YAML would silently keep only the last one)';
    case 'UNEXPECTED_TOKEN':
      return lineText.trim().startsWith('-')
        ? 'a list item ("- ") only under a key that holds a list: indent it under its key, or add the key'
        : 'a key or a value here: check the indentation, and quote a value that starts with a special character';
    case 'TAB_AS_INDENT':
      return 'spaces for indentation: YAML does not allow tabs; replace the tab with spaces';
    case 'BAD_DQ_ESCAPE':
      return 'a valid escape in double quotes (\\n, \\", \\\\): or use single quotes, which need no escapes';
    case 'BAD_SCALAR_START':
      return 'a value that does not start with @, ` or %: quote it';
    case 'MULTIPLE_DOCS':
      return 'one document per file: remove the "---" line';
    case 'BLOCK_IN_FLOW':
      return 'no indented block inside [ ] or { }: write the items inline, or use "- " lines';
    case 'KEY_OVER_1024_CHARS':
      return 'a key shorter than 1024 characters: did a ":" go missing after a long value?';
    case 'MULTIPLE_ANCHORS':
    case 'MULTIPLE_TAGS':
      return 'at most one anchor (&) and one tag (!) per value: quote a value that starts with & or !';
    case 'TAG_RESOLVE_FAILED':
    case 'BAD_COLLECTION_TYPE':
      return 'no YAML tag (!): quote a value that starts with !';
    default:
      return `valid YAML here (${message})`;
  }
}
