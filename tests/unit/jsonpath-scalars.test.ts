import { createRequire } from 'node:module';
import { withoutThrownScalars } from '../../local/jsonpath-scalars';

type JsonPathFunction = Parameters<typeof withoutThrownScalars>[0];
const jsonPathPlus = createRequire(require.resolve('aws-local-stepfunctions'))('jsonpath-plus') as {
  JSONPath: JsonPathFunction;
};

describe('JSONPath without thrown scalars', () => {
  // Importing local/jsonpath-scalars installs the patched one; the module's own sits behind it.
  const original = Object.getPrototypeOf(jsonPathPlus.JSONPath) as JsonPathFunction;
  const patched = withoutThrownScalars(original);
  const json = {
    name: 'Ada',
    n: 0,
    yes: false,
    none: null,
    empty: '',
    nested: { list: [1, 'two', { three: 3 }], deep: { x: 'y' } },
    items: [
      { id: 'a', price: 2 },
      { id: 'b', price: 5 },
    ],
  };
  const paths = [
    '$',
    '$.name',
    '$.n',
    '$.yes',
    '$.none',
    '$.empty',
    '$.missing',
    '$.nested',
    '$.nested.list',
    '$.nested.list[1]',
    '$.nested.list[2].three',
    '$.nested.deep.x',
    '$.items[*].id',
    '$.items[0]',
    '$..price',
    '$.items[?(@.price > 3)].id',
  ];

  it('is what aws-local-stepfunctions calls', () => {
    expect(original).not.toBe(jsonPathPlus.JSONPath);
    expect(jsonPathPlus.JSONPath('$.name', json)).toEqual(['Ada']);
  });

  it.each(paths)('gives what jsonpath-plus gives for %s, wrapped or not', (path) => {
    for (const options of [{ wrap: false }, {}, { wrap: true }, { wrap: false, resultType: 'path' }]) {
      expect(patched({ path, json, ...options })).toEqual(original({ path, json, ...options }));
      expect(patched({ path, json: [json], ...options })).toEqual(
        original({ path, json: [json], ...options }),
      );
    }
  });

  it('gives what jsonpath-plus gives for no document, and fails as it fails without a path', () => {
    for (const doc of [null, undefined, 0, '', 'text'])
      expect(patched({ path: '$.a', json: doc, wrap: false })).toEqual(
        original({ path: '$.a', json: doc, wrap: false }),
      );
    expect(() => patched({ json })).toThrow(TypeError);
    expect(() => original({ json })).toThrow(TypeError);
  });

  it('leaves the other ways of calling it as they were', () => {
    expect(patched('$.name', json)).toEqual(original('$.name', json));
    expect(new patched({ path: '$.nested', json })).toEqual(new original({ path: '$.nested', json }));
    const unstarted = patched({ path: '$.name', json, autostart: false }) as { evaluate(a: object): unknown };
    expect(unstarted).toBeInstanceOf(original);
    expect(unstarted.evaluate({ path: '$.name', json, wrap: false })).toBe('Ada');
  });
});
