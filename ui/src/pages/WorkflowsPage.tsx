// The Workflows page: `#/workflows` is the list, `#/workflows/<id>` the canvas builder of one
// workflow and `#/workflows/new` the builder of a new one. The parts live in pages/workflows/.
import { useSubpath } from '../routes';
import { WorkflowBuilder } from './workflows/WorkflowBuilder';
import { WorkflowList } from './workflows/WorkflowList';

export function WorkflowsPage() {
  const [id] = useSubpath();
  if (id === undefined) return <WorkflowList />;
  // A new key per workflow: opening another one starts a fresh editor.
  return <WorkflowBuilder key={id} id={id === 'new' ? null : id} />;
}
