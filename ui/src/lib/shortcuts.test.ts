import { describe, expect, it } from 'vitest';
import { matchShortcut, type KeyLike, type ShortcutContext } from './shortcuts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});
const idle: ShortcutContext = { typing: false, panelOpen: false, dialogOpen: false, hasSelection: false };

describe('matchShortcut', () => {
  it('maps single keys on the list', () => {
    expect(matchShortcut(key('n'), idle)).toBe('new');
    expect(matchShortcut(key('/'), idle)).toBe('focusSearch');
    expect(matchShortcut(key('Delete'), idle)).toBeNull();
    expect(matchShortcut(key('Delete'), { ...idle, hasSelection: true })).toBe('delete');
    expect(matchShortcut(key('x'), idle)).toBeNull();
    expect(matchShortcut(key('n', { ctrlKey: true }), idle)).toBeNull();
  });

  it('ignores single keys while typing, but not Ctrl/Cmd+S and Esc', () => {
    const typing = { ...idle, typing: true, panelOpen: true };
    expect(matchShortcut(key('n'), { ...idle, typing: true })).toBeNull();
    expect(matchShortcut(key('/'), { ...idle, typing: true })).toBeNull();
    expect(matchShortcut(key('Delete'), { ...idle, typing: true, hasSelection: true })).toBeNull();
    expect(matchShortcut(key('s', { ctrlKey: true }), typing)).toBe('save');
    expect(matchShortcut(key('s', { metaKey: true }), typing)).toBe('save');
    expect(matchShortcut(key('Escape'), typing)).toBe('close');
  });

  it('saves only with the panel open and lets a dialog own the keyboard', () => {
    expect(matchShortcut(key('s', { ctrlKey: true }), idle)).toBeNull();
    expect(matchShortcut(key('Escape'), idle)).toBeNull();
    const dialog = { ...idle, panelOpen: true, dialogOpen: true, hasSelection: true };
    expect(matchShortcut(key('s', { ctrlKey: true }), dialog)).toBeNull();
    expect(matchShortcut(key('Delete'), dialog)).toBeNull();
    expect(matchShortcut(key('Escape'), dialog)).toBe('close');
    expect(matchShortcut(key('n'), { ...idle, panelOpen: true })).toBeNull();
  });
});
