// The Executions pages: the history of runs (`#/executions`, filters may come in the hash query,
// e.g. `#/executions?workflowId=<id>`) and one execution with its timeline and logs
// (`#/executions/<id>`). Query building and the timeline geometry live in pages/executions/*.ts.
import { useSubpath } from '../routes';
import { ExecutionView } from './executions/ExecutionView';
import { HistoryView } from './executions/HistoryView';
import './executions/executions.css';

export function ExecutionsPage() {
  const id = useSubpath()[0];
  return id ? <ExecutionView key={id} id={id} /> : <HistoryView />;
}
