/** Adds a tag as chips inputs do: trimmed, no empties, no duplicates. */
export function addTag(tags: readonly string[], text: string): string[] {
  const tag = text.trim();
  return tag === '' || tags.includes(tag) ? [...tags] : [...tags, tag];
}
