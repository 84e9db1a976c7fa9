import type { CustomerStore } from '../../../domain/ports';

/**
 * The store of the running test, for contract parts registered before any store exists: every property
 * read asks `current()` (the contract makes a fresh store before each test), methods bound to that store.
 */
export function currentStore(current: () => CustomerStore): CustomerStore {
  return new Proxy({} as CustomerStore, {
    get(_, key) {
      const store = current();
      const value: unknown = Reflect.get(store, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(store) : value;
    },
  });
}
