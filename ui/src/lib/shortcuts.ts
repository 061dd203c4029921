// Keyboard shortcuts of the Agents page, as a pure function of the key event and where the
// focus is, so the rules can be tested without a DOM.

export type ShortcutAction = 'new' | 'focusSearch' | 'save' | 'delete' | 'close';

/** The parts of a KeyboardEvent the matcher looks at. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export interface ShortcutContext {
  /** The focus is in an input, textarea, select or contenteditable element. */
  typing: boolean;
  /** The create/edit panel is open. */
  panelOpen: boolean;
  /** A dialog (delete confirmation, duplicate) is open. */
  dialogOpen: boolean;
  /** A row of the list is selected. */
  hasSelection: boolean;
}

/**
 * The action for a key press, or null. While typing only Ctrl/Cmd+S and Esc count; while a
 * dialog is open only Esc does (the dialog owns the keyboard).
 */
export function matchShortcut(e: KeyLike, ctx: ShortcutContext): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === 'Escape') return ctx.dialogOpen || ctx.panelOpen ? 'close' : null;
  if (ctx.dialogOpen) return null;
  if (mod && !e.altKey && (e.key === 's' || e.key === 'S')) return ctx.panelOpen ? 'save' : null;
  if (ctx.typing || mod || e.altKey) return null;
  if (e.key === 'n' && !ctx.panelOpen) return 'new';
  if (e.key === '/' && !ctx.panelOpen) return 'focusSearch';
  if (e.key === 'Delete' && ctx.hasSelection && !ctx.panelOpen) return 'delete';
  return null;
}

/** Whether the element takes text, so single-key shortcuts must leave it alone. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}
