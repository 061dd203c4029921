// A template's detail, as a side panel over the gallery (`#/templates/<id>`): what it is, its
// rating (and rating it), what it creates — an agent's type, config and parameters, or a
// workflow's steps and inputs — and creating one from it.
import { useState } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { CommandError } from '../../ipc';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { Template } from '../../bindings/Template';
import { SidePanel } from '../../components/SidePanel';
import { ErrorState, LoadingState, When } from '../../components/States';
import { DataTable, ChipList } from '../../components/Table';
import { label } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { USER_RATINGS } from './ratings';
import { categoryLabel, describeTemplate, type ParameterPreview, usageLabel } from './gallery';
import { InstantiateForm } from './Instantiate';
import { RateButtons, StarsShown } from './Stars';

function Parameters({ rows, empty }: { rows: ParameterPreview[]; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <DataTable className="tpl-params" columns={['Name', 'Type', 'Required', 'Description']}>
        {rows.map((p) => (
          <tr key={p.name}>
            <td>
              <code>{p.name}</code>
            </td>
            <td className="type">{p.type}</td>
            <td>{p.required ? 'Yes' : <span className="muted">No</span>}</td>
            <td>{p.description ?? <span className="muted">—</span>}</td>
          </tr>
        ))}
    </DataTable>
  );
}

function Contents({ template }: { template: Template }) {
  const c = describeTemplate(template);
  if (c.kind === 'step') return <p className="muted">One workflow step, to use inside a workflow.</p>;
  if (c.kind === 'agent')
    return (
      <>
        <p>
          A draft <strong>{c.agentType ?? 'agent'}</strong> agent
          {c.capabilities.length > 0 && ' that can do:'}
        </p>
        {c.capabilities.length > 0 && (
          <ChipList label="Capabilities" items={c.capabilities} />
        )}
        <h4>Parameters</h4>
        <Parameters rows={c.parameters} empty="No parameters." />
        <h4>Configuration</h4>
        {Object.keys(c.config).length === 0 ? (
          <p className="muted">No configuration.</p>
        ) : (
          <pre className="json tpl-box">{JSON.stringify(c.config as JsonValue, null, 2)}</pre>
        )}
      </>
    );
  return (
    <>
      <p>
        A draft workflow with <strong>{c.steps.length === 1 ? '1 step' : `${c.steps.length} steps`}</strong>:
      </p>
      {c.steps.length === 0 ? (
        <p className="muted">This template lists no steps.</p>
      ) : (
        <ol className="tpl-steps" aria-label="Steps">
          {c.steps.map((s) => (
            <li key={s.key}>
              <div className="tpl-step-head">
                <strong>{s.name}</strong>
                {s.name !== s.key.replace(/[_-]+/g, ' ') && <code className="type">{s.key}</code>}
                <span className="badge badge-type">{label(s.type)}</span>
                {s.agentType && <span className="type">{s.agentType} agent</span>}
              </div>
              <div className="tpl-step-sub">{s.dependsOn.length === 0 ? 'Starts the run' : `After ${s.dependsOn.join(', ')}`}</div>
            </li>
          ))}
        </ol>
      )}
      <h4>Workflow inputs</h4>
      <Parameters rows={c.inputs} empty="No inputs." />
    </>
  );
}

function Rating({ template }: { template: Template }) {
  const [given, setGiven] = useState<number | null>(() => USER_RATINGS.get(template.id) ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [after, setAfter] = useState<Template | null>(null);
  const shown = after && after.updatedAt >= template.updatedAt ? after : template;

  const rate = async (rating: number) => {
    setBusy(true);
    setError(null);
    try {
      const updated = await backend.templatesRate(template.id, rating);
      USER_RATINGS.set(template.id, rating);
      setGiven(rating);
      setAfter(updated);
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <StarsShown template={shown} />
      <div className="rate">
        <span className="muted">{given === null ? 'Your rating:' : 'You rated it:'}</span>
        <RateButtons given={given} busy={busy} onRate={(n) => void rate(n)} />
      </div>
      {given !== null && (
        <p className="muted" role="status">
          Thanks — you rated it {given} of 5. The average above includes your rating.
        </p>
      )}
      {error && <ErrorState error={error} onDismiss={() => setError(null)} />}
    </>
  );
}

export function TemplatePanel(props: { id: string; onClose: () => void }) {
  const { state, shown, reload } = useLoad(() => backend.templatesGet(props.id), [props.id]);
  const t = shown;

  return (
    <SidePanel title={t ? t.name : 'Template'} onClose={props.onClose}>
      <div className="panel-body">
        {state.kind === 'loading' && !t && <LoadingState what="the template" />}
        {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}
        {t && (
          <>
            <div className="tpl-card-badges">
              <span className="badge badge-type">{label(t.type)}</span>
              {t.isOfficial && <span className="badge badge-official">Official</span>}
              {!t.isOfficial && !t.isPublic && <span className="badge badge-private">Private</span>}
              {(t.tags ?? []).map((tag) => (
                <span key={tag} className="chip">
                  {tag}
                </span>
              ))}
            </div>
            {t.description && <p className="tpl-desc">{t.description}</p>}
            <dl className="tpl-detail-meta">
              <dt>Category</dt>
              <dd>{categoryLabel(t.category)}</dd>
              <dt>Usage</dt>
              <dd>{usageLabel(t.usageCount)}</dd>
              <dt>Updated</dt>
              <dd>
                <When at={t.updatedAt} none="" />
              </dd>
              <dt>Rating</dt>
              <dd>
                <Rating key={t.id} template={t} />
              </dd>
            </dl>

            <h4>Create from this template</h4>
            <InstantiateForm key={t.id} template={t} />

            <h4>What it creates</h4>
            <Contents template={t} />
          </>
        )}
        <div className="panel-footer">
          <span className="muted">
            <kbd>Esc</kbd> close
          </span>
          <span className="spacer" />
          <button type="button" className="secondary" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
    </SidePanel>
  );
}
