// The Settings page's wording and form logic: what an export, an import and the seed setting
// say to people, and the profile update of a form. Pure (settings.test.ts).
import type { ExportOutcome } from '../../bindings/ExportOutcome';
import type { ImportReport } from '../../bindings/ImportReport';
import type { SettingsInfo } from '../../bindings/SettingsInfo';
import type { UpdateProfile } from '../../bindings/UpdateProfile';
import type { User } from '../../bindings/User';
import { count } from '../../lib/format';

/** "a", "a and b", "a, b and c". */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export function exportSummary(outcome: ExportOutcome): string {
  const what = listWords([count(outcome.agents, 'agent'), count(outcome.workflows, 'workflow'), count(outcome.templates, 'template')]);
  return `Exported ${what} to ${outcome.path}.`;
}

/** One line per kind of row, with created and replaced counts. */
export function importRows(report: ImportReport): { what: string; created: number; replaced: number }[] {
  return [
    { what: 'Agents', created: report.agentsCreated, replaced: report.agentsReplaced },
    { what: 'Workflows', created: report.workflowsCreated, replaced: report.workflowsReplaced },
    { what: 'Templates', created: report.templatesCreated, replaced: report.templatesReplaced },
  ];
}

export function importSummary(report: ImportReport): string {
  const created = report.agentsCreated + report.workflowsCreated + report.templatesCreated;
  const replaced = report.agentsReplaced + report.workflowsReplaced + report.templatesReplaced;
  if (created + replaced === 0) return 'The file held nothing to import.';
  const parts: string[] = [];
  if (created > 0) parts.push(`${count(created, 'row')} created`);
  if (replaced > 0) parts.push(`${count(replaced, 'row')} replaced`);
  const steps = report.stepsWritten > 0 ? ` (${count(report.stepsWritten, 'workflow step')} written)` : '';
  return `Imported: ${listWords(parts)}${steps}.`;
}

/** Whether a new database would be seeded now, and why, for the seed setting's help text. */
export function seedStatus(info: SettingsInfo): { seeds: boolean; note: string } {
  if (info.seedEnvOverride !== null) {
    const seeds = info.seedEnvOverride;
    return {
      seeds,
      note: `TURBOCAT_NO_SEED is set in this app's environment, so a new database ${seeds ? 'is' : 'is not'} seeded whatever this setting says.`,
    };
  }
  const seeds = info.seedDemoOnFirstStart;
  return {
    seeds,
    note: seeds
      ? 'A new, empty database file starts with the demo agents, workflows and templates.'
      : 'A new, empty database file starts empty, with only your profile.',
  };
}

export interface ProfileForm {
  fullName: string;
  email: string;
}

export function profileForm(user: User): ProfileForm {
  return { fullName: user.fullName ?? '', email: user.email };
}

/** The update for the changed fields, null when nothing changed; an empty name clears it. */
export function profileUpdate(user: User, form: ProfileForm): UpdateProfile | null {
  const update: UpdateProfile = {};
  const name = form.fullName.trim();
  if (name !== (user.fullName ?? '')) update.fullName = name === '' ? null : name;
  const email = form.email.trim();
  if (email !== user.email) update.email = email;
  return Object.keys(update).length > 0 ? update : null;
}
