/**
 * aws-local-stepfunctions reads every path (InputPath, Parameters' `.$` fields, Choice variables) through
 * jsonpath-plus's `JSONPath({ ..., wrap: false })`. Called without `new`, jsonpath-plus returns a scalar
 * result by throwing an Error that carries it and catching that Error again: capturing its stack was about 3%
 * of a simulation's CPU time. The same answer comes, with nothing thrown, from an instance that
 * does not start on construction and is then asked to evaluate, exactly as the constructor would have.
 * Import this before anything from aws-local-stepfunctions runs.
 */
import { createRequire } from 'node:module';

interface JsonPathModule {
  JSONPath: JsonPathFunction & { [patched]?: true };
}
/** jsonpath-plus's pseudo-class: called with or without `new`. */
interface JsonPathFunction {
  new (opts: object): { evaluate(args: object): unknown };
  (...args: unknown[]): unknown;
  prototype: object;
}

const patched = Symbol.for('rapport.jsonpath-scalars');

/** jsonpath-plus as aws-local-stepfunctions resolves it: the same module object its calls read from. */
function jsonPathPlus(): JsonPathModule {
  const fromInterpreter = createRequire(require.resolve('aws-local-stepfunctions'));
  return fromInterpreter('jsonpath-plus') as JsonPathModule;
}

/** `original`, answering the call aws-local-stepfunctions makes without an Error thrown and caught. */
export function withoutThrownScalars(original: JsonPathFunction): JsonPathFunction & { [patched]: true } {
  function JSONPath(this: unknown, ...args: unknown[]): unknown {
    if (new.target !== undefined) return Reflect.construct(original, args, new.target);
    const [opts] = args;
    // Only an options object, started at once, is answered differently; the rest is left as it was.
    if (args.length !== 1 || opts === null || typeof opts !== 'object') return original.apply(this, args);
    const options = opts as { path?: unknown; json?: unknown; autostart?: boolean };
    if (options.autostart === false) return original.apply(this, args);
    const instance = new original({ ...options, autostart: false });
    // What the constructor passes to evaluate when it starts at once; it returns what evaluate returns.
    return instance.evaluate(
      'json' in options ? { path: options.path, json: options.json } : { path: options.path },
    );
  }
  Object.setPrototypeOf(JSONPath, original);
  JSONPath.prototype = original.prototype;
  return Object.assign(JSONPath as unknown as JsonPathFunction, { [patched]: true as const });
}

const jsonPath = jsonPathPlus();
if (jsonPath.JSONPath[patched] !== true) jsonPath.JSONPath = withoutThrownScalars(jsonPath.JSONPath);
