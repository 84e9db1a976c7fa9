import { config, globalRegistry, type ZodMiniType } from 'zod/mini';
import { en } from 'zod/v4/locales';

// zod/mini, for the schemas Lambda handlers import: classic zod weighs ~95 KB and ~20 ms of each cold
// start. Mini loads no locale of its own; English is classic's default, so messages read the same either
// way. `en` comes from the locales barrel, which the bundler prunes to it (the `locales` namespace would
// bundle every language; `zod/v4/locales/en.js` alone is ESM, which jest cannot require).
// Import this module as a namespace (`import * as z`), never re-export it as one object: the bundler then
// keeps only the parts used. Classic code composes these schemas through its functional forms
// (`z.optional(Slug)`): a mini schema has no classic methods.
config(en());

export * from 'zod/mini';

/** Classic's `.describe()`: a copy of `schema` carrying `description` (into the generated JSON Schema). */
export function described<T extends ZodMiniType>(schema: T, description: string): T {
  const copy = schema.clone();
  globalRegistry.add(copy, { description });
  return copy;
}
