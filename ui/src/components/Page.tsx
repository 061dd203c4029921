// A page's frame: the section named by its heading, the header with the title, a count, a
// badge and the actions (after a spacer), and the line of keyboard shortcuts under a list.
import { Fragment, type ReactNode } from 'react';

export interface HeaderProps {
  /** The id of the <h2>, which names the page's section. */
  headingId: string;
  title: ReactNode;
  /** Shown muted after the title, e.g. "3 agents"; nothing while it is null or undefined. */
  count?: ReactNode | undefined;
  countTitle?: string | undefined;
  /** Right after the title (and the count), e.g. a status badge. */
  badge?: ReactNode | undefined;
  /** The buttons on the right; with none there is no spacer either. */
  actions?: ReactNode | undefined;
}

export function PageHeader(props: HeaderProps) {
  return (
    <div className="page-header">
      <h2 id={props.headingId}>{props.title}</h2>
      {props.count !== undefined && props.count !== null && props.count !== false && (
        <span className="count" title={props.countTitle}>
          {props.count}
        </span>
      )}
      {props.badge}
      {props.actions !== undefined && (
        <>
          <span className="spacer" />
          {props.actions}
        </>
      )}
    </div>
  );
}

/** A page: `<section class="page …">` labelled by its header's heading, then `children`. */
export function Page({ className, children, ...header }: HeaderProps & { className?: string; children?: ReactNode }) {
  return (
    <section className={className ? `page ${className}` : 'page'} aria-labelledby={header.headingId}>
      <PageHeader {...header} />
      {children}
    </section>
  );
}

/** A shortcut: its key (or keys pressed together) and what it does. */
export type Hint = readonly [keys: string | readonly string[], what: string];

/** The shortcuts of a list whose rows open in an edit panel. */
export const EDIT_LIST_HINTS: readonly Hint[] = [
  ['N', 'new'],
  ['/', 'search'],
  ['Enter', 'edit selected'],
  ['Del', 'delete selected'],
  [['Ctrl', 'S'], 'save'],
  ['Esc', 'close'],
];

/** The muted line of a page's keyboard shortcuts: "Shortcuts: N new · / search · …". */
export function ShortcutHints({ hints }: { hints: readonly Hint[] }) {
  return (
    <p className="hints muted">
      Shortcuts:
      {hints.map(([keys, what], i) => (
        <Fragment key={what}>
          {' '}
          {(typeof keys === 'string' ? [keys] : keys).map((k, j) => (
            <Fragment key={k}>
              {j > 0 && '+'}
              <kbd>{k}</kbd>
            </Fragment>
          ))}
          {` ${what}${i < hints.length - 1 ? ' ·' : ''}`}
        </Fragment>
      ))}
    </p>
  );
}
