import { describe, expect, it } from 'vitest';
import { applyTheme, cachedTheme, parseTheme, resolveTheme, startTheme, themeFromPreferences, THEME_CACHE_KEY, type ThemeHost } from './theme';

/** A stand-in for the document, localStorage and the dark-mode media query. */
function fakeHost(systemDark = false, cached: string | null = null) {
  const store = new Map<string, string>(cached === null ? [] : [[THEME_CACHE_KEY, cached]]);
  const listeners: (() => void)[] = [];
  const media = {
    matches: systemDark,
    addEventListener: (_: string, l: () => void) => listeners.push(l),
  };
  const host = {
    root: { dataset: {} as DOMStringMap },
    storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    media,
  };
  const flip = (dark: boolean) => {
    media.matches = dark;
    listeners.forEach((l) => l());
  };
  return { host: host as unknown as ThemeHost, store, flip };
}

describe('theme resolution', () => {
  it('reads stored values in any case and refuses others', () => {
    expect(parseTheme('Dark')).toBe('dark');
    expect(parseTheme(' light ')).toBe('light');
    expect(parseTheme('system')).toBe('system');
    expect(parseTheme('blue')).toBeNull();
    expect(parseTheme(1)).toBeNull();
  });

  it('takes the preference from the user preferences, "system" otherwise', () => {
    expect(themeFromPreferences({ theme: 'dark', notifications: {} })).toBe('dark');
    expect(themeFromPreferences({ theme: 'sepia' })).toBe('system');
    expect(themeFromPreferences({})).toBe('system');
    expect(themeFromPreferences(null)).toBe('system');
    expect(themeFromPreferences(['dark'])).toBe('system');
  });

  it('resolves "system" by the system mode and keeps explicit choices', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('applying the theme', () => {
  it('sets the root attributes and caches the choice', () => {
    const { host, store } = fakeHost(false);
    expect(applyTheme('dark', host)).toBe('dark');
    expect(host.root.dataset.theme).toBe('dark');
    expect(host.root.dataset.themePreference).toBe('dark');
    expect(store.get(THEME_CACHE_KEY)).toBe('dark');
    expect(cachedTheme(host)).toBe('dark');
  });

  it('follows the system while the preference is "system", and only then', () => {
    const { host, flip } = fakeHost(false);
    applyTheme('system', host);
    expect(host.root.dataset.theme).toBe('light');
    flip(true);
    expect(host.root.dataset.theme).toBe('dark');
    applyTheme('light', host);
    flip(false);
    flip(true);
    expect(host.root.dataset.theme).toBe('light');
  });

  it('falls back to "system" for a missing or unknown cache', () => {
    expect(cachedTheme(fakeHost(false, null).host)).toBe('system');
    expect(cachedTheme(fakeHost(false, 'neon').host)).toBe('system');
  });

  it('starts with the cached theme, then the stored one', async () => {
    const { host } = fakeHost(false, 'dark');
    const started = startTheme(() => Promise.resolve('light'), host);
    expect(host.root.dataset.theme).toBe('dark');
    await started;
    expect(host.root.dataset.theme).toBe('light');
  });

  it('keeps a choice made while the stored one was loading, and survives a failed load', async () => {
    const { host } = fakeHost(false, 'dark');
    let resolve!: (v: 'light') => void;
    const started = startTheme(() => new Promise((r) => (resolve = r)), host);
    applyTheme('system', host);
    resolve('light');
    await started;
    expect(host.root.dataset.themePreference).toBe('system');
    const other = fakeHost(true, 'system').host;
    await startTheme(() => Promise.reject(new Error('no database')), other);
    expect(other.root.dataset.theme).toBe('dark');
  });
});

// Vitest hands CSS imports (even `?raw`) over empty, so the stylesheet is read from disk; the
// package has no Node types, hence the narrow cast.
const fs = (globalThis as unknown as { process: { getBuiltinModule(id: 'node:fs'): { readFileSync(p: URL, e: 'utf8'): string } } }).process.getBuiltinModule('node:fs');
const css = fs.readFileSync(new URL('../styles.css', import.meta.url), 'utf8');

/** The custom properties declared in the first block that `selector` opens in styles.css. */
function block(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  expect(start, `${selector} in styles.css`).toBeGreaterThanOrEqual(0);
  const body = css.slice(start, css.indexOf('}', start));
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

describe('the palettes in styles.css', () => {
  const light = block(':root');
  const dark = block(":root[data-theme='dark']");
  const system = block(':root:not([data-theme])');

  it('define the dark palette the same way for a chosen and a system dark mode', () => {
    expect([...system]).toEqual([...dark]);
  });

  it('redefine every colour of the light palette, and nothing else', () => {
    const colours = [...light.keys()].filter((k) => !k.startsWith('--space') && !k.startsWith('--font') && k !== '--radius');
    expect(colours.length).toBeGreaterThan(15);
    expect([...dark.keys()].sort()).toEqual(colours.sort());
    for (const k of colours) expect(dark.get(k), k).not.toBe(light.get(k));
  });

  it('keeps colours out of the rules: only the palette blocks hold colour values', () => {
    const rules = css.slice(css.indexOf('*,\n*::before'));
    expect(rules.match(/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/gi)).toBeNull();
  });
});
