// One execution (`#/executions/<id>`): its workflow (linked), status, trigger, times and
// duration, step counts, error, input/output data, the per-step timeline, its logs, and
// cancelling it while it is pending or running, and re-running it (whole, or from its failed
// step) once finished. While it runs, the page reloads as its `run-event`s arrive.
import { useEffect, useRef, useState } from 'react';
import { backend } from '../../ipc';
import type { ExecutionDetail } from '../../bindings/ExecutionDetail';
import type { ExecutionLog } from '../../bindings/ExecutionLog';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { ConfirmDialog } from '../../components/Modal';
import { PageHeader } from '../../components/Page';
import { ActionError, EmptyState, ErrorState, LoadingState, StatusBadge } from '../../components/States';
import { formatDuration, formatFull, formatPrecise, label } from '../../lib/format';
import { useAction, useLoad, useWindowKeyDown } from '../../lib/hooks';
import { href } from '../../routes';
import { emptyLogFilters, hasContent, isCancellable, prettyJson, runDurationMs, type LogFilters } from './history';
import { canRerunFromFailed, rerunOf } from './rerun';
import { LogList } from './LogList';
import { TimelineChart } from './Timeline';
import { buildTimeline } from './timeline';
import { useNow } from './useNow';

/** The timeline reads every log row of the run, up to this many (pages of 100). */
const TIMELINE_MAX_PAGES = 20;

async function loadAllLogs(id: string): Promise<{ logs: ExecutionLog[]; complete: boolean }> {
  const logs: ExecutionLog[] = [];
  for (let page = 1; page <= TIMELINE_MAX_PAGES; page++) {
    const result = await backend.executionsLogs(id, { page, pageSize: 100, sortOrder: 'asc' });
    logs.push(...result.items);
    if (page >= result.totalPages) return { logs, complete: true };
  }
  return { logs, complete: false };
}

function Moment({ at, none }: { at: string | null; none: string }) {
  if (at === null) return <span className="muted">{none}</span>;
  return (
    <time dateTime={at} title={formatFull(at)}>
      {formatPrecise(at)}
    </time>
  );
}

function JsonPanel({ title, value, empty }: { title: string; value: JsonValue; empty: string }) {
  return (
    <div className="exec-json">
      <h4>{title}</h4>
      {hasContent(value) ? <pre className="json">{prettyJson(value)}</pre> : <p className="muted">{empty}</p>}
    </div>
  );
}

function StepCountsLine({ e }: { e: ExecutionDetail }) {
  const c = e.stepCounts;
  const parts: [number, string][] = [
    [c.completed, 'completed'],
    [c.failed, 'failed'],
    [c.running, 'running'],
    [c.skipped, 'skipped'],
    [c.pending, 'pending'],
  ];
  return (
    <span className="exec-counts">
      <span>
        <strong>{c.total}</strong> {c.total === 1 ? 'step' : 'steps'}
      </span>
      {parts
        .filter(([n]) => n > 0)
        .map(([n, what]) => (
          <span key={what} className="exec-count">
            <span className={`step-dot dot-${what}`} aria-hidden="true" /> {n} {what}
          </span>
        ))}
    </span>
  );
}

function Header({ e, onCancel, onRerun, busy }: { e: ExecutionDetail; onCancel: () => void; onRerun: (fromFailedStep: boolean) => void; busy: boolean }) {
  const now = useNow(e.status === 'RUNNING');
  const duration = runDurationMs(e, now);
  const original = rerunOf(e.triggerData);
  return (
    <>
      <PageHeader
        headingId="execution-heading"
        title={
          <a href={href('workflows', e.workflowId)} title="Open the workflow">
            {e.workflowName || 'Deleted workflow'}
          </a>
        }
        badge={<StatusBadge status={e.status} />}
        actions={
          <>
            {isCancellable(e.status) && (
              <span className="exec-live" role="status">
                <span className="step-dot dot-running" aria-hidden="true" /> Live
              </span>
            )}
            {isCancellable(e.status) && (
              <button type="button" className="danger" onClick={onCancel}>
                Cancel run
              </button>
            )}
            {!isCancellable(e.status) && canRerunFromFailed(e.status) && (
              <button type="button" className="secondary" disabled={busy} onClick={() => onRerun(true)} title="Run again, reusing the outputs of the steps that completed">
                Re-run from failed step
              </button>
            )}
            {!isCancellable(e.status) && (
              <button type="button" disabled={busy} onClick={() => onRerun(false)} title="Run the workflow again with the same input">
                Re-run
              </button>
            )}
          </>
        }
      />
      {original && (
        <p className="muted exec-rerun-of">
          Re-run{original.fromFailedStep ? ' from the failed step' : ''} of{' '}
          <a href={href('executions', original.id)}>
            <code>{original.id}</code>
          </a>
        </p>
      )}
      <dl className="exec-meta">
        <div>
          <dt>Trigger</dt>
          <dd>{label(e.triggerType)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Moment at={e.createdAt} none="—" />
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <Moment at={e.startedAt} none="Not started" />
          </dd>
        </div>
        <div>
          <dt>Completed</dt>
          <dd>
            <Moment at={e.completedAt} none={e.status === 'RUNNING' || e.status === 'PENDING' ? 'Not yet' : '—'} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>
            {formatDuration(duration)}
            {e.status === 'RUNNING' && duration !== null && <span className="muted"> so far</span>}
          </dd>
        </div>
        <div>
          <dt>Steps</dt>
          <dd>
            <StepCountsLine e={e} />
          </dd>
        </div>
        <div>
          <dt>Run id</dt>
          <dd>
            <code className="exec-id">{e.id}</code>
          </dd>
        </div>
      </dl>
      {(e.errorMessage || e.errorStack) && (
        <div className="state state-error exec-error" role="alert">
          <p>
            <strong>Error:</strong> {e.errorMessage ?? 'The run failed.'}
          </p>
          {e.errorStack && (
            <details>
              <summary>Stack</summary>
              <pre className="json">{e.errorStack}</pre>
            </details>
          )}
        </div>
      )}
    </>
  );
}

export function ExecutionView({ id }: { id: string }) {
  const detail = useLoad(() => backend.executionsGet(id), [id]);
  const allLogs = useLoad(() => loadAllLogs(id), [id]);
  const [logFilters, setLogFilters] = useState<LogFilters>(() => emptyLogFilters());
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const [rerunning, setRerunning] = useState(false);
  const e = detail.shown;
  const now = useNow(e?.status === 'RUNNING');

  // Live: this run's events reload the row and the timeline (at most every 150 ms); the log
  // list and the rest also reload on `db-changed` once the rows are written.
  const reloadSoon = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { reload: reloadDetail } = detail;
  const { reload: reloadLogs } = allLogs;
  useEffect(() => {
    const stop = backend.onRunEvent((event) => {
      if (event.executionId !== id || reloadSoon.current) return;
      reloadSoon.current = setTimeout(() => {
        reloadSoon.current = null;
        reloadDetail();
        reloadLogs();
      }, 150);
    });
    return () => {
      stop();
      if (reloadSoon.current) clearTimeout(reloadSoon.current);
      reloadSoon.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the reload functions change each render; the ref keeps one timer.
  }, [id]);

  const rerun = async (fromFailedStep: boolean) => {
    setRerunning(true);
    await action.run(async () => {
      const next = await backend.executionsRerun(id, fromFailedStep);
      window.location.hash = href('executions', next.id);
    });
    setRerunning(false);
  };

  useWindowKeyDown((event) => {
    if (event.key === 'Escape' && confirming) {
      event.preventDefault();
      setConfirming(false);
    }
  });

  const cancel = () => {
    setConfirming(false);
    return action.run(async () => {
      await backend.executionsCancel(id);
      detail.reload();
      allLogs.reload();
    });
  };

  const timeline = e && allLogs.shown ? buildTimeline(e, allLogs.shown.logs, now) : null;
  const stepKeys = timeline ? timeline.bars.map((b) => b.stepKey) : [];

  return (
    <section className="page exec-page" aria-labelledby="execution-heading">
      <a className="exec-back" href={href('executions')}>
        ← All executions
      </a>

      {detail.state.kind === 'loading' && !e && <LoadingState what="the execution" />}
      {detail.state.kind === 'error' && (
        <>
          <h2 id="execution-heading">Execution</h2>
          <ErrorState error={detail.state.error} onRetry={detail.reload} />
        </>
      )}

      {e && (
        <>
          <Header e={e} onCancel={() => setConfirming(true)} onRerun={(f) => void rerun(f)} busy={rerunning} />
          <ActionError action={action} />

          <div className="exec-data">
            <JsonPanel title="Input" value={e.inputData} empty="No input data." />
            <JsonPanel title="Output" value={e.outputData} empty={isCancellable(e.status) ? 'No output yet.' : 'No output data.'} />
            {hasContent(e.triggerData) && <JsonPanel title="Trigger data" value={e.triggerData} empty="" />}
          </div>

          <section className="exec-section" aria-labelledby="timeline-heading">
            <div className="exec-section-head">
              <h3 id="timeline-heading">Timeline</h3>
              {timeline && (
                <span className="count">
                  {formatDuration(timeline.end - timeline.start)} across {timeline.bars.length} {timeline.bars.length === 1 ? 'step' : 'steps'}
                </span>
              )}
            </div>
            {allLogs.state.kind === 'error' && <ErrorState error={allLogs.state.error} onRetry={allLogs.reload} />}
            {allLogs.state.kind === 'loading' && !allLogs.shown && <LoadingState what="the timeline" />}
            {allLogs.shown && !allLogs.shown.complete && (
              <p className="muted">This run has more log lines than the timeline reads; the latest steps may be missing.</p>
            )}
            {allLogs.shown &&
              (timeline ? (
                <TimelineChart
                  timeline={timeline}
                  selectedStep={logFilters.stepKey}
                  onSelectStep={(stepKey) => setLogFilters((f) => ({ ...f, stepKey }))}
                />
              ) : (
                <EmptyState title={isCancellable(e.status) ? 'No step has started yet.' : 'No step ran in this execution.'}>
                  Each step gets a bar here from the moment it starts, coloured by how it ends.
                </EmptyState>
              ))}
          </section>

          <LogList executionId={id} status={e.status} stepKeys={stepKeys} filters={logFilters} onFilters={setLogFilters} />

          {confirming && (
            <ConfirmDialog
              title="Cancel this run?"
              body="The run stops and is marked Cancelled; steps that already finished keep their results. This cannot be undone."
              confirmLabel="Cancel run"
              cancelLabel="Keep it"
              onConfirm={() => void cancel()}
              onCancel={() => setConfirming(false)}
            />
          )}
        </>
      )}
    </section>
  );
}
