// The "New API key" side panel: name, scopes, expiry and rate limit. It hands the created key
// to the page, which shows it once; converting the form happens in keys.ts.
import { useState } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { CommandError } from '../../ipc';
import type { CreatedApiKey } from '../../bindings/CreatedApiKey';
import { Field, TagsInput } from '../../components/Field';
import { ErrorState } from '../../components/States';
import { buildKeyInput, emptyKeyForm, mapKeyFieldErrors, RATE_LIMIT, type KeyForm, type KeyFormErrors } from './keys';

export function KeyPanel(props: { onClose: () => void; onCreated: (created: CreatedApiKey) => void }) {
  const [form, setForm] = useState<KeyForm>(() => emptyKeyForm());
  const [errors, setErrors] = useState<KeyFormErrors>({});
  const [saveError, setSaveError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);

  const update = <K extends keyof KeyForm>(key: K, value: KeyForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const save = async () => {
    if (saving) return;
    setSaveError(null);
    const parsed = buildKeyInput(form);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      props.onCreated(await backend.apiKeysCreate(parsed.input));
    } catch (reason) {
      const error = toCommandError(reason);
      setSaveError(error);
      if (error.fields) setErrors(mapKeyFieldErrors(error.fields));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="overlay overlay-panel" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <aside className="panel" role="dialog" aria-modal="true" aria-labelledby="panel-title">
        <header className="panel-header">
          <h3 id="panel-title">New API key</h3>
          <span className="spacer" />
          <button type="button" className="secondary" onClick={props.onClose} aria-label="Close (Esc)">
            ×
          </button>
        </header>
        <form
          className="panel-body"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {saveError && <ErrorState error={saveError} />}
          {errors._form && <p className="field-error">{errors._form}</p>}
          <div className="grid">
            <Field label="Name" error={errors.name} wide>
              <input className="input" autoFocus value={form.name} onChange={(e) => update('name', e.target.value)} />
            </Field>
            <Field label="Scopes (none: the key grants nothing; * grants all)" error={errors.scopes} wide group>
              <TagsInput tags={form.scopes} onChange={(s) => update('scopes', s)} noun="scope" />
            </Field>
            <Field label="Expires on (optional)" error={errors.expiresAt}>
              <input className="input" type="date" value={form.expiresOn} onChange={(e) => update('expiresOn', e.target.value)} />
            </Field>
            <Field label="Rate limit per minute" error={errors.rateLimitPerMinute}>
              <input
                className="input"
                type="number"
                min={RATE_LIMIT.min}
                max={RATE_LIMIT.max}
                placeholder={`${RATE_LIMIT.default} (default)`}
                value={form.rateLimit}
                onChange={(e) => update('rateLimit', e.target.value)}
              />
            </Field>
          </div>
          <p className="muted">
            Scopes look like <code>agents:read</code>; one without a colon, like <code>agents</code>, grants all of its
            actions. The key stops working at the start of its expiry day.
          </p>
          <footer className="panel-footer">
            <span className="spacer" />
            <button type="button" className="secondary" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" disabled={saving}>
              {saving ? 'Creating…' : 'Create key'}
            </button>
          </footer>
        </form>
      </aside>
    </div>
  );
}
