// Hooks every page uses: a debounced value; loading data from the backend so that a page
// shows the previous answer while a new one loads, never lets a stale answer overwrite a newer
// one, and reloads by itself after any write to the database (backend.onDataChanged); loading
// a record once for a form; the error of an action; keyboard shortcuts; a set of open rows.
import { useEffect, useRef, useState, type DependencyList, type MutableRefObject } from 'react';
import { backend, toCommandError } from '../ipc';
import type { CommandError } from '../ipc';
import type { Page } from '../bindings/Page';
import { isTypingTarget, matchShortcut, type ShortcutAction, type ShortcutContext } from './shortcuts';

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

/**
 * Loads the record `id` once (not again after writes, so a form being edited is not replaced)
 * and hands it to `onLoaded`; returns the load's error. `id` null: nothing to load.
 */
export function useLoadOnce<T>(id: string | null, get: (id: string) => Promise<T>, onLoaded: (value: T) => void): CommandError | null {
  const [error, setError] = useState<CommandError | null>(null);
  const latest = useRef({ get, onLoaded });
  latest.current = { get, onLoaded };
  useEffect(() => {
    if (id === null) return;
    let live = true;
    latest.current
      .get(id)
      .then((value) => {
        if (live) latest.current.onLoaded(value);
      })
      .catch((reason: unknown) => live && setError(toCommandError(reason)));
    return () => {
      live = false;
    };
  }, [id]);
  return error;
}

/** The error of the last action a page ran; `run` clears it, awaits the work and keeps its error. */
export interface Action {
  error: CommandError | null;
  clear: () => void;
  run: (work: () => Promise<unknown>) => Promise<void>;
}

export function useAction(): Action {
  const [error, setError] = useState<CommandError | null>(null);
  return {
    error,
    clear: () => setError(null),
    run: async (work) => {
      setError(null);
      try {
        await work();
      } catch (reason) {
        setError(toCommandError(reason));
      }
    },
  };
}

/** Keeps `ref.current` on `value` while the component is mounted (e.g. the page's Ctrl+S calls a panel's save). */
export function useBindRef<T>(ref: MutableRefObject<T | null>, value: T | null) {
  useEffect(() => {
    ref.current = value;
    return () => {
      ref.current = null;
    };
  });
}

/** Listens to key presses on the window while mounted; `handler` is always the latest one. */
export function useWindowKeyDown(handler: (e: KeyboardEvent) => void) {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => latest.current(e);
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

/** What a page does on a shortcut; a handler returning false leaves the key to the browser. */
export type ShortcutHandlers = Partial<Record<ShortcutAction, () => void | false>>;

/**
 * A list page's shortcuts (matchShortcut): each action calls its handler. With `keepUnhandled`,
 * an action without a handler leaves the key to the browser; without it, every action's key is
 * taken.
 */
export function useShortcuts(context: Omit<ShortcutContext, 'typing'>, handlers: ShortcutHandlers, keepUnhandled = false) {
  useWindowKeyDown((e) => {
    const action = matchShortcut(e, { ...context, typing: isTypingTarget(e.target) });
    if (!action) return;
    const handler = handlers[action];
    const handled = handler !== undefined && handler() !== false;
    if (handled || !keepUnhandled) e.preventDefault();
  });
}

/** A set of open (expanded) ids and the toggle of one. */
export function useToggleSet(): [ReadonlySet<string>, (id: string) => void] {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return [open, toggle];
}

/** What a create/edit panel shows: a new record, or the one with `id`. */
export type PanelMode = { mode: 'create' } | { mode: 'edit'; id: string };

/**
 * A list page's create/edit panel and the row selected in its list: `saved` selects the saved
 * record and keeps it open for editing, `deleted` forgets a deleted one; `saveRef` is the open
 * panel's save, for Ctrl+S.
 */
export function useEditPanel(reload: () => void) {
  const [mode, setMode] = useState<PanelMode | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const saveRef = useRef<(() => void) | null>(null);
  const edit = (id: string) => setMode({ mode: 'edit', id });
  return {
    mode,
    /** The panel's React key: a fresh panel per record. */
    key: mode?.mode === 'edit' ? mode.id : 'new',
    selectedId,
    select: setSelectedId,
    saveRef,
    create: () => setMode({ mode: 'create' }),
    edit,
    close: () => setMode(null),
    saved: (record: { id: string }) => {
      setSelectedId(record.id);
      edit(record.id);
      reload();
    },
    deleted: (id: string) => {
      if (selectedId === id) setSelectedId(null);
      if (mode?.mode === 'edit' && mode.id === id) setMode(null);
    },
  };
}
