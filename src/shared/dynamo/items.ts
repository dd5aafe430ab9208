/** A DynamoDB item as the document client hands it over. */
export type Item = Record<string, unknown>;

/**
 * The item without its table's own bookkeeping attributes (keys, index keys, `ttl`): what the
 * adapters hand back is the record, not the table's layout.
 *
 * @example
 * ```ts
 * withoutKeys({ pk: 'receipt#r1', requestId: 'r1', ttl: 1 }, ['pk', 'ttl']); // { requestId: 'r1' }
 * ```
 */
export function withoutKeys(item: Item, names: readonly string[]): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
}
