/**
 * defineRegistry: the readable, explicit list behind every plugin folder (style.md §3.3).
 * Duplicate ids are a programming error and fail at import time.
 */

export interface Registry<T extends { id: string }> {
  readonly all: readonly T[];
  get(id: string): T | undefined;
  require(id: string): T;
  ids(): string[];
}

export function defineRegistry<T extends { id: string }>(kind: string, members: readonly T[]): Registry<T> {
  const byId = new Map<string, T>();
  for (const m of members) {
    if (byId.has(m.id)) throw new Error(`${kind} registry: duplicate id "${m.id}"`);
    byId.set(m.id, m);
  }
  return {
    all: members,
    get: (id) => byId.get(id),
    require(id) {
      const m = byId.get(id);
      if (!m) throw new Error(`${kind} registry: expected one of ${[...byId.keys()].join(', ')}, found "${id}"`);
      return m;
    },
    ids: () => [...byId.keys()],
  };
}
