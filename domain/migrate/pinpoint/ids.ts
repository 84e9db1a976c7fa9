/** A Pinpoint name or id as a Rapport id (lower-case kebab-case, starting with a letter, ≤ 64 characters). */
export function slugOf(name: string, prefix: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const slug = /^[a-z]/.test(words) ? words : `${prefix}-${words}`.replace(/-+$/, '');
  return slug.slice(0, 64).replace(/-+$/, '');
}

/** Ids unique within one journey: a second `welcome` becomes `welcome-2`. */
export function idAllocator(reserved: readonly string[] = []) {
  const taken = new Set(reserved);
  return (wanted: string): string => {
    let id = wanted;
    for (let n = 2; taken.has(id); n++) id = `${wanted.slice(0, 60)}-${n}`;
    taken.add(id);
    return id;
  };
}
