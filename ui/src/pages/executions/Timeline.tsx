// The per-step timeline of an execution: one row per step with a bar placed on the run's time
// axis, coloured by the step's status. The geometry comes from timeline.ts.
import { formatDuration, label } from '../../lib/format';
import { axisTicks, type StepBar, type Timeline } from './timeline';

function barTitle(b: StepBar): string {
  const retries = b.retries > 0 ? ` · ${b.retries} ${b.retries === 1 ? 'retry' : 'retries'}` : '';
  const time = b.open ? `${formatDuration(b.durationMs)} so far` : formatDuration(b.durationMs);
  return `${b.stepKey} · ${label(b.status)} · ${time}${retries}`;
}

export function TimelineChart(props: { timeline: Timeline; selectedStep: string; onSelectStep: (stepKey: string) => void }) {
  const { timeline } = props;
  const ticks = axisTicks(timeline.end - timeline.start);
  return (
    <div className="timeline">
      <div className="timeline-row timeline-axis" aria-hidden="true">
        <span />
        <div className="timeline-track">
          {ticks.map((t) => (
            <span key={t.at} className="timeline-tick" style={{ left: `${t.at}%` }}>
              {t.label}
            </span>
          ))}
        </div>
        <span />
      </div>
      <ul className="timeline-rows" aria-label="Steps on the run's time axis">
        {timeline.bars.map((b) => (
          <li key={b.stepKey} className={`timeline-row${props.selectedStep === b.stepKey ? ' selected' : ''}`} data-step-key={b.stepKey}>
            <button
              type="button"
              className="timeline-label"
              title={`Show only the logs of ${b.stepKey}`}
              aria-pressed={props.selectedStep === b.stepKey}
              onClick={() => props.onSelectStep(props.selectedStep === b.stepKey ? '' : b.stepKey)}
            >
              <code>{b.stepKey}</code>
            </button>
            <div className="timeline-track">
              {ticks.map((t) => (
                <span key={t.at} className="timeline-grid" style={{ left: `${t.at}%` }} />
              ))}
              <div
                className={`timeline-bar bar-${b.status.toLowerCase()}${b.open ? ' bar-open' : ''}`}
                style={{ left: `${b.left}%`, width: `${b.width}%` }}
                title={barTitle(b)}
                role="img"
                aria-label={barTitle(b)}
              />
            </div>
            <span className="timeline-duration">
              <span className={`step-dot dot-${b.status.toLowerCase()}`} aria-hidden="true" />
              {formatDuration(b.durationMs)}
            </span>
          </li>
        ))}
      </ul>
      <ul className="timeline-legend" aria-label="Legend">
        {(['COMPLETED', 'RUNNING', 'FAILED', 'SKIPPED', 'PENDING'] as const).map((s) => (
          <li key={s}>
            <span className={`step-dot dot-${s.toLowerCase()}`} aria-hidden="true" /> {label(s)}
          </li>
        ))}
      </ul>
    </div>
  );
}
