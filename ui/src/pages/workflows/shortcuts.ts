// The builder's keyboard shortcuts, as a pure function of the key event and where the focus is.
import type { KeyLike } from '../../lib/shortcuts';

export type BuilderShortcut = 'save' | 'undo' | 'redo' | 'delete' | 'addStep' | 'escape';

/**
 * Ctrl/Cmd+S saves and Ctrl/Cmd+Z / Ctrl/Cmd+Shift+Z (or Ctrl+Y) undo and redo everywhere, text
 * boxes included (their edits are part of the editor's history); Delete/Backspace removes the
 * selection and N adds a step only outside text boxes. While a dialog is open only Esc counts.
 */
export function builderShortcut(e: KeyLike, ctx: { typing: boolean; dialogOpen: boolean }): BuilderShortcut | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (e.key === 'Escape') return 'escape';
  if (ctx.dialogOpen || e.altKey) return null;
  if (mod && key === 's') return 'save';
  if (mod && key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (mod && key === 'y' && !e.shiftKey) return 'redo';
  if (ctx.typing || mod) return null;
  if (e.key === 'Delete' || e.key === 'Backspace') return 'delete';
  if (key === 'n' && !e.shiftKey) return 'addStep';
  return null;
}
