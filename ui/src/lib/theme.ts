// The colour theme: light, dark, or whatever the system uses. The choice is kept in the user's
// preferences in the database (`preferences.theme`) and cached in localStorage, so it can be
// applied before React's first render; the palette itself is CSS (styles.css swaps the colour
// variables under `:root[data-theme='dark']`). The resolution logic is pure (theme.test.ts).
import type { JsonValue } from '../bindings/serde_json/JsonValue';

export type ThemePreference = 'light' | 'dark' | 'system';
export type Theme = 'light' | 'dark';

export const THEMES: readonly ThemePreference[] = ['light', 'dark', 'system'];
/** The localStorage key of the cached choice. */
export const THEME_CACHE_KEY = 'turbocat.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/** A stored value as a preference; anything unknown is null. Case does not matter. */
export function parseTheme(value: unknown): ThemePreference | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  return (THEMES as readonly string[]).includes(v) ? (v as ThemePreference) : null;
}

/** The theme in a user's preferences object; "system" when it says nothing usable. */
export function themeFromPreferences(preferences: JsonValue | undefined): ThemePreference {
  if (typeof preferences !== 'object' || preferences === null || Array.isArray(preferences)) return 'system';
  return parseTheme(preferences.theme) ?? 'system';
}

/** The theme to draw for a preference, given whether the system is in dark mode. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): Theme {
  if (preference === 'system') return systemDark ? 'dark' : 'light';
  return preference;
}

/** The parts of the browser the theme touches, so tests can hand in their own. */
export interface ThemeHost {
  root: { dataset: DOMStringMap };
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  media: Pick<MediaQueryList, 'matches' | 'addEventListener'> | null;
}

function browserHost(): ThemeHost | null {
  if (typeof document === 'undefined') return null;
  let storage: ThemeHost['storage'] = null;
  try {
    storage = window.localStorage;
  } catch {
    // Storage can be disabled; the theme then only lasts the session until preferences load.
  }
  return { root: document.documentElement, storage, media: window.matchMedia?.(DARK_QUERY) ?? null };
}

let current: ThemePreference = 'system';
/** The media queries already followed, so a change listener is added once each. */
const followed = new WeakSet<object>();

/**
 * Draws `preference` now: sets `data-theme` (the resolved theme) and `data-theme-preference` on
 * the root element, and caches the choice. With "system", later changes of the system's mode
 * are followed too.
 */
export function applyTheme(preference: ThemePreference, host: ThemeHost | null = browserHost()): Theme {
  current = preference;
  const theme = resolveTheme(preference, host?.media?.matches ?? false);
  if (!host) return theme;
  host.root.dataset.theme = theme;
  host.root.dataset.themePreference = preference;
  try {
    host.storage?.setItem(THEME_CACHE_KEY, preference);
  } catch {
    // A full or disabled storage only loses the cache.
  }
  if (host.media && !followed.has(host.media)) {
    followed.add(host.media);
    const media = host.media;
    media.addEventListener('change', () => {
      if (current === 'system') host.root.dataset.theme = resolveTheme('system', media.matches);
    });
  }
  return theme;
}

/** The choice cached by the last run, or "system". */
export function cachedTheme(host: ThemeHost | null = browserHost()): ThemePreference {
  try {
    return parseTheme(host?.storage?.getItem(THEME_CACHE_KEY)) ?? 'system';
  } catch {
    return 'system';
  }
}

/** The preference drawn now. */
export function currentTheme(): ThemePreference {
  return current;
}

/**
 * At start: draws the cached choice at once, then the one in the user's preferences when it
 * arrives (another install or a restored database may hold a different one).
 */
export function startTheme(loadPreference: () => Promise<ThemePreference | null>, host: ThemeHost | null = browserHost()): Promise<void> {
  const cached = cachedTheme(host);
  applyTheme(cached, host);
  return loadPreference()
    .then((stored) => {
      // A choice made meanwhile (on the Settings page) wins over the one that was stored.
      if (stored !== null && stored !== cached && current === cached) applyTheme(stored, host);
    })
    .catch(() => {
      // No database yet or no profile: the cached choice stays.
    });
}
