// Parses Mermaid diagrams with Mermaid's own parser, as GitHub and the Mermaid live editor do.
// Mermaid is ESM-only and needs a DOM even to parse, so it runs here, in its own Node process, on jsdom;
// jest calls this script. Input (stdin): JSON [{ name, text }]. Output (stdout): JSON [{ name, error? }].
import process from 'node:process';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const { name, text } of JSON.parse(input)) {
  try {
    await mermaid.parse(text);
    results.push({ name });
  } catch (e) {
    results.push({ name, error: String(e instanceof Error ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(results));
