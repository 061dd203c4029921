// What the Workflows pages say after importing a bundle.
import type { ImportReport } from '../../bindings/ImportReport';
import { count } from '../../lib/format';

/** "Imported 1 workflow with 3 steps and 2 agents as copies from …". */
export function importSummary(report: ImportReport, path: string): string {
  const parts: string[] = [];
  const workflows = report.workflowsCreated + report.workflowsReplaced;
  const agents = report.agentsCreated + report.agentsReplaced;
  const templates = report.templatesCreated + report.templatesReplaced;
  if (workflows > 0) parts.push(`${count(workflows, 'workflow')} with ${count(report.stepsWritten, 'step')}`);
  if (agents > 0) parts.push(count(agents, 'agent'));
  if (templates > 0) parts.push(count(templates, 'template'));
  if (parts.length === 0) return `Nothing to import in ${path}.`;
  return `Imported ${parts.join(' and ')} as copies from ${path}.`;
}
