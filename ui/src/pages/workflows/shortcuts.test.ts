import { describe, expect, it } from 'vitest';
import { builderShortcut } from './shortcuts';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});
const canvas = { typing: false, dialogOpen: false };
const typing = { typing: true, dialogOpen: false };

describe('builderShortcut', () => {
  it('saves, undoes and redoes even while typing', () => {
    expect(builderShortcut(key('s', { ctrlKey: true }), typing)).toBe('save');
    expect(builderShortcut(key('z', { ctrlKey: true }), typing)).toBe('undo');
    expect(builderShortcut(key('Z', { ctrlKey: true, shiftKey: true }), typing)).toBe('redo');
    expect(builderShortcut(key('y', { metaKey: true }), canvas)).toBe('redo');
  });

  it('deletes and adds steps only outside text boxes', () => {
    expect(builderShortcut(key('Delete'), canvas)).toBe('delete');
    expect(builderShortcut(key('Backspace'), canvas)).toBe('delete');
    expect(builderShortcut(key('n'), canvas)).toBe('addStep');
    expect(builderShortcut(key('Delete'), typing)).toBe(null);
    expect(builderShortcut(key('n'), typing)).toBe(null);
  });

  it('leaves the keyboard to an open dialog, except Esc', () => {
    const dialog = { typing: false, dialogOpen: true };
    expect(builderShortcut(key('s', { ctrlKey: true }), dialog)).toBe(null);
    expect(builderShortcut(key('Delete'), dialog)).toBe(null);
    expect(builderShortcut(key('Escape'), dialog)).toBe('escape');
  });
});
