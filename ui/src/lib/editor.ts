// The state of the forms that save through the backend (panels and dialogs): `useSubmit` runs a
// save the same way everywhere (nothing while one is running; the form's own errors first; then
// the backend call, whose refusal becomes the save error and field errors), and `useEditor` adds
// a create/edit panel's record (loaded once when editing), form and notice.
import { useState } from 'react';
import { toCommandError } from '../ipc';
import type { CommandError } from '../ipc';
import { useLoadOnce } from './hooks';

/** What saving the form means: the form's own errors, or the backend call. */
export type Planned<T, E> = { ok: false; errors: E } | { ok: true; work: () => Promise<T> };

export function useSubmit<E extends Partial<Record<string, string>>, B extends string = never>(
  /** The field errors of a refused save. */
  errorsOf: (error: CommandError) => E,
) {
  const none = {} as E;
  const [errors, setErrors] = useState<E>(none);
  const [saveError, setSaveError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState<B | 'save' | null>(null);

  /** Plans the save (after `before`) and runs it, unless something is already busy; `done` gets the answer. */
  const submit = async <T>(plan: () => Planned<T, E>, done: (value: T) => void, before?: () => void) => {
    if (busy) return;
    setSaveError(null);
    before?.();
    const planned = plan();
    if (!planned.ok) {
      setErrors(planned.errors);
      return;
    }
    setErrors(none);
    setBusy('save');
    try {
      done(await planned.work());
    } catch (reason) {
      const error = toCommandError(reason);
      setSaveError(error);
      setErrors(errorsOf(error));
    } finally {
      setBusy(null);
    }
  };

  return { errors, setErrors, saveError, setSaveError, busy, setBusy, submit };
}

/** An edit's plan: the form's errors, nothing changed (`work` null), or the backend call. */
export type SavePlan<R, E> = { ok: false; errors: E } | { ok: true; work: (() => Promise<R>) | null };

export function useEditor<R, F, E extends Partial<Record<string, string>>, B extends string = never>(options: {
  /** The record to edit; null to create one. */
  id: string | null;
  get: (id: string) => Promise<R>;
  emptyForm: () => F;
  toForm: (record: R) => F;
  errorsOf: (error: CommandError, form: F) => E;
  onSaved: (record: R) => void;
}) {
  const [record, setRecord] = useState<R | null>(null);
  const [form, setForm] = useState<F>(options.emptyForm);
  const [notice, setNotice] = useState<string | null>(null);
  const submitting = useSubmit<E, B>((error) => options.errorsOf(error, form));

  const loadError = useLoadOnce(options.id, options.get, (r) => {
    setRecord(r);
    setForm(options.toForm(r));
  });

  const update = <K extends keyof F>(key: K, value: F[K]) => setForm((f) => ({ ...f, [key]: value }));

  /** Saves the form as `plan` says: "Nothing changed." or "Saved." with the answer as the new record. */
  const save = (plan: (record: R | null, form: F) => SavePlan<R, E>) =>
    submitting.submit(
      () => {
        const planned = plan(record, form);
        if (!planned.ok) return planned;
        if (planned.work === null) {
          setNotice('Nothing changed.');
          return { ok: false, errors: {} as E };
        }
        return { ok: true, work: planned.work };
      },
      (saved) => {
        setRecord(saved);
        setForm(options.toForm(saved));
        setNotice('Saved.');
        options.onSaved(saved);
      },
      () => setNotice(null),
    );

  return { ...submitting, record, setRecord, form, setForm, update, notice, setNotice, loadError, save };
}
