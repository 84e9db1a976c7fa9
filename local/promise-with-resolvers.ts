/**
 * aws-local-stepfunctions 3 declares Node >= 22 and calls `Promise.withResolvers` (Node 22+) in every
 * Task state: on Node 20 every Task failed with "Promise.withResolvers is not a function". Rapport supports
 * Node 20.19+ (see package.json `engines`), so the method is added where it is missing. Import this before
 * anything from aws-local-stepfunctions runs.
 */
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (v: T | PromiseLike<T>) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
