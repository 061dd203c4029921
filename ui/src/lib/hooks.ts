// Hooks every page uses: a debounced value, and loading data from the backend so that a page
// shows the previous answer while a new one loads, never lets a stale answer overwrite a newer
// one, and reloads by itself after any write to the database (backend.onDataChanged).
import { useEffect, useState, type DependencyList } from 'react';
import { backend, toCommandError } from '../ipc';
import type { CommandError } from '../ipc';
import type { Page } from '../bindings/Page';

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

let firstPaintReported = false;

/** After the first data any page shows is on screen: two frames later it has been painted. */
function reportFirstPaint() {
  if (firstPaintReported) return;
  firstPaintReported = true;
  requestAnimationFrame(() => requestAnimationFrame(() => backend.reportFirstPaint()));
}

export type Loadable<T> =
  | { kind: 'loading'; previous?: T }
  | { kind: 'error'; error: CommandError }
  | { kind: 'ready'; value: T };

export interface Loaded<T> {
  state: Loadable<T>;
  /** The value to render: the current one, or the previous one while a newer loads. */
  shown: T | undefined;
  /** Loads again (a "Try again" button). */
  reload: () => void;
}

/**
 * Calls `load` whenever `deps` change, after any write to the database, and on `reload()`.
 * `load` may return `undefined` to skip (e.g. a page number out of range was corrected).
 */
export function useLoad<T>(load: () => Promise<T | undefined>, deps: DependencyList): Loaded<T> {
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<Loadable<T>>({ kind: 'loading' });

  useEffect(() => backend.onDataChanged(() => setReloads((n) => n + 1)), []);

  useEffect(() => {
    let live = true;
    setState((s) => ({ kind: 'loading', ...(s.kind === 'ready' ? { previous: s.value } : {}) }));
    load()
      .then((value) => {
        if (live && value !== undefined) {
          setState({ kind: 'ready', value });
          reportFirstPaint();
        }
      })
      .catch((reason: unknown) => live && setState({ kind: 'error', error: toCommandError(reason) }));
    // StrictMode mounts twice in development, and a newer load may start before this one ends.
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` are the caller's inputs of `load`.
  }, [...deps, reloads]);

  const shown = state.kind === 'ready' ? state.value : state.kind === 'loading' ? state.previous : undefined;
  return { state, shown, reload: () => setReloads((n) => n + 1) };
}

export interface PagedList<T> extends Loaded<Page<T>> {
  page: number;
  setPage: (page: number) => void;
}

/**
 * A paged list: `load(page)` whenever `deps` or the page change; a change of `deps` (filters,
 * sorting) goes back to page 1, and a page left empty by deletes elsewhere moves to the last one.
 */
export function usePagedList<T>(load: (page: number) => Promise<Page<T>>, deps: DependencyList): PagedList<T> {
  const [page, setPage] = useState(1);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- reset on the caller's filter change.
  useEffect(() => setPage(1), deps);
  const loaded = useLoad(async () => {
    const result = await load(page);
    if (result.items.length === 0 && page > 1 && page > result.totalPages) {
      setPage(Math.max(1, result.totalPages));
      return undefined;
    }
    return result;
  }, [...deps, page]);
  return { ...loaded, page, setPage };
}
