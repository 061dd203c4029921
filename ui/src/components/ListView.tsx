// A paged list's body, the same on every page: loading (only before the first answer), an
// error with "Try again", the empty state (what to do, or "no matches" with a way to clear the
// filters), then the items and the pager.
import type { ReactNode } from 'react';
import type { Page } from '../bindings/Page';
import type { PagedList } from '../lib/hooks';
import { ErrorState, LoadingState, NoMatches, Pager } from './States';

export function ListView<T>(props: {
  list: Pick<PagedList<T>, 'state' | 'shown' | 'reload' | 'setPage'>;
  /** What is loading: "agents", "the logs". */
  loading: string;
  /** What did not match, for the no-matches state: "agents", "runs". */
  what: string;
  filtered: boolean;
  onClear?: () => void;
  /** Replaces the no-matches state. */
  noMatches?: ReactNode;
  /** The empty state of an unfiltered list. */
  empty: ReactNode;
  /** "always" (the default), "several" (only with more than one page) or "none" (the page draws it). */
  pager?: 'always' | 'several' | 'none';
  children: (page: Page<T>, busy: boolean) => ReactNode;
}) {
  const { state, shown, reload, setPage } = props.list;
  const pager = props.pager ?? 'always';
  return (
    <>
      {state.kind === 'loading' && !state.previous && <LoadingState what={props.loading} />}
      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {shown &&
        shown.items.length === 0 &&
        (props.filtered ? props.noMatches ?? <NoMatches what={props.what} onClear={props.onClear ?? (() => undefined)} /> : props.empty)}
      {shown && shown.items.length > 0 && (
        <>
          {props.children(shown, state.kind === 'loading')}
          {(pager === 'always' || (pager === 'several' && shown.totalPages > 1)) && (
            <Pager page={shown.page} totalPages={shown.totalPages} onPage={setPage} />
          )}
        </>
      )}
    </>
  );
}
