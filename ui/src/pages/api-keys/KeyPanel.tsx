// The "New API key" side panel: name, scopes, expiry and rate limit. It hands the created key
// to the page, which shows it once; converting the form happens in keys.ts.
import { useState } from 'react';
import { backend } from '../../ipc';
import type { CreatedApiKey } from '../../bindings/CreatedApiKey';
import { Field, TagsInput } from '../../components/Field';
import { FormPanel } from '../../components/SidePanel';
import { useSubmit } from '../../lib/editor';
import { buildKeyInput, emptyKeyForm, mapKeyFieldErrors, RATE_LIMIT, type KeyForm, type KeyFormErrors } from './keys';

export function KeyPanel(props: { onClose: () => void; onCreated: (created: CreatedApiKey) => void }) {
  const [form, setForm] = useState<KeyForm>(() => emptyKeyForm());
  const { errors, saveError, busy, submit } = useSubmit<KeyFormErrors>((error) => (error.fields ? mapKeyFieldErrors(error.fields) : {}));
  const saving = busy !== null;

  const update = <K extends keyof KeyForm>(key: K, value: KeyForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const save = () =>
    submit(() => {
      const parsed = buildKeyInput(form);
      return parsed.ok ? { ok: true, work: () => backend.apiKeysCreate(parsed.input) } : parsed;
    }, props.onCreated);

  return (
    <FormPanel
      title="New API key"
      onClose={props.onClose}
      onSubmit={() => void save()}
      saveError={saveError}
      formError={errors._form}
      footer={{ busy: saving, submitLabel: saving ? 'Creating…' : 'Create key' }}
    >
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
    </FormPanel>
  );
}
