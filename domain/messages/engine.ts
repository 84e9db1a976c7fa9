import { Context, type Liquid, type Template } from 'liquidjs';

/**
 * A template part is remembered only when its output depends on nothing but the variables Liquid's static
 * analysis finds in it. Not so for: the clock and chance (`date` filters read "now", `sample` is random),
 * tags that change the variables the email's next part reads (`increment`, `decrement`), files (`include`,
 * `render`, `layout`, `block`), and expressions written as strings (`where_exp` and the other `*_exp`
 * filters), which the analysis does not read. The test is on the text, so a false alarm only costs a render.
 */
const NOT_REMEMBERED =
  /\{%-?\s*(?:increment|decrement|include|render|layout|block|liquid)\b|\|\s*(?:date\w*|sample|\w+_exp)\b/;
/**
 * Tags that carry nothing from one top-level node of a template to the next (no assigned variable, no
 * counter, no `break`, no `offset: continue`): with only these, each node renders alone as it does in
 * the whole, and the whole is their outputs joined.
 */
const STATELESS_TAGS = new Set(['if', 'elsif', 'else', 'endif', 'unless', 'endunless', 'case', 'when']);
for (const tag of ['endcase', 'for', 'endfor', 'comment', 'endcomment', 'raw', 'endraw', '#'])
  STATELESS_TAGS.add(tag);
/** Outputs kept per text: enough for every customer without a first name, and the most recent names. */
const MAX_REMEMBERED = 500;

interface Part {
  templates: Template[];
  /** The variables it reads, each to its first computed segment; undefined when it is not remembered. */
  paths: (string | number)[][] | undefined;
  outputs: Map<string, string>;
  /**
   * Outputs by the one text the part reads (a layout node showing the subject or the content), keyed by
   * that text itself: no copy of it to make, and its hash is kept with it, as the same text comes back.
   */
  byText: Map<string, string>;
}

/** A text; `nodes` when each of its top-level nodes may be remembered on its own (see STATELESS_TAGS). */
interface Parsed extends Part {
  nodes: Part[] | undefined;
}

/**
 * A Liquid engine that parses each text once (the texts are the catalogue's, a bounded set; liquidjs's own
 * cache covers files only) and renders a text, or each node of it, once per distinct value of what it
 * reads: most customers share a subject, a preheader and a body (no first name, or the same one), and a
 * layout differs from one email to the next only where it shows the email's own links. Rendering all of
 * it again was most of a send's time in a simulation.
 */
export function parsedOnce(engine: Liquid, { unique = [] }: { unique?: readonly string[] } = {}) {
  const parsed = new Map<string, Parsed>();
  const part = (templates: Template[], remembered: boolean): Part => {
    const paths = remembered ? readPaths(engine, templates) : undefined;
    // A value each render has its own of (an email's links) would only fill the memory: rendered each time.
    const once = paths && !paths.some((p) => unique.includes(String(p[0])));
    return { templates, paths: once ? paths : undefined, outputs: new Map(), byText: new Map() };
  };
  const get = (text: string): Parsed => {
    let p = parsed.get(text);
    if (!p) {
      const remembered = !NOT_REMEMBERED.test(text);
      const whole = part(engine.parse(text), remembered);
      const nodes = remembered && stateless(text);
      parsed.set(
        text,
        (p = { ...whole, nodes: nodes ? whole.templates.map((n) => part([n], true)) : undefined }),
      );
    }
    return p;
  };
  return {
    /** Rendered once per distinct value of the variables the text reads (see NOT_REMEMBERED). */
    renderRemembered(text: string, scope: object): string {
      return remember(engine, get(text), scope);
    },
    /** The same, node by node: for a text some nodes of which read what every render has its own of. */
    renderByNode(text: string, scope: object): string {
      const p = get(text);
      if (!p.nodes) return remember(engine, p, scope);
      const context = new Context(scope, engine.options);
      let output = '';
      for (const node of p.nodes) output += remember(engine, node, scope, context);
      return output;
    },
  };
}

function remember(engine: Liquid, part: Part, scope: object, context?: Context): string {
  const key = part.paths && keyOf(part.paths, context ?? new Context(scope, engine.options));
  if (key === undefined) return engine.renderSync(part.templates, scope) as string;
  const outputs = typeof key === 'string' ? part.outputs : part.byText;
  const value = typeof key === 'string' ? key : key.text;
  let output = outputs.get(value);
  if (output === undefined) {
    output = engine.renderSync(part.templates, scope) as string;
    if (outputs.size >= MAX_REMEMBERED) outputs.delete(outputs.keys().next().value as string);
    outputs.set(value, output);
  }
  return output;
}

function stateless(text: string): boolean {
  for (const [, tag] of text.matchAll(/\{%-?\s*(#|\w+)/g)) if (!STATELESS_TAGS.has(tag ?? '')) return false;
  return !/\boffset\s*:\s*continue\b/.test(text);
}

/**
 * `customer.firstName` as ['customer', 'firstName']; `customer[k].x` as ['customer'] (its whole value).
 * Undefined (not remembered) when a variable's own name is computed, or the analysis fails.
 */
function readPaths(engine: Liquid, templates: Template[]): (string | number)[][] | undefined {
  let variables;
  try {
    variables = engine.globalVariableSegmentsSync(templates, { partials: false });
  } catch {
    return undefined;
  }
  const paths: (string | number)[][] = [];
  for (const segments of variables) {
    const end = segments.findIndex((s) => typeof s !== 'string' && typeof s !== 'number');
    if (end === 0) return undefined;
    paths.push((end < 0 ? segments : segments.slice(0, end)) as (string | number)[]);
  }
  return paths;
}

/**
 * The values the text reads, as Liquid reads them (`size`, `first`…), or undefined if one is not plain
 * data; `{ text }` when it reads one value only and that is a string.
 */
function keyOf(paths: (string | number)[][], context: Context): string | { text: string } | undefined {
  if (paths.length === 1) {
    const value = context.getSync(paths[0] ?? []);
    return typeof value === 'string' ? { text: value } : plainKey(value);
  }
  let key = '';
  for (const path of paths) {
    const value = plainKey(context.getSync(path));
    if (value === undefined) return undefined;
    key += `${value};`;
  }
  return key;
}

/**
 * An exact text for plain data: strings, numbers, booleans, null, undefined, arrays and plain objects of
 * them. Anything else (a Date, a class, a function) has no such text, and the part is rendered as usual.
 */
function plainKey(value: unknown): string | undefined {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '#-0' : `#${value}`;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value !== 'object') return undefined;
  const proto = Object.getPrototypeOf(value) as unknown;
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) return undefined;
  // Liquid reads own properties, enumerable or not: a key must see every one.
  const names = Object.getOwnPropertyNames(value);
  if (names.length !== Object.keys(value).length + (isArray ? 1 : 0)) return undefined;
  if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
  let key = isArray ? '[' : '{';
  for (const name of names) {
    if (isArray && name === 'length') continue;
    const item = plainKey((value as Record<string, unknown>)[name]);
    if (item === undefined) return undefined;
    key += `${JSON.stringify(name)}:${item},`;
  }
  return `${key}${isArray ? ']' : '}'}`;
}
