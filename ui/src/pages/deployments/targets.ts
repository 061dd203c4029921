// What a deployment can target: the workflows and agents the user sees (own and public, as the
// service accepts), as picker options, and the names the list shows for a deployment's target.
// Loaded once per page (and again after any write), up to a hundred of each, sorted by name.
import { backend, toCommandError } from '../../ipc';
import type { Agent, CommandError, Page } from '../../ipc';
import type { Workflow } from '../../bindings/Workflow';
import { label, shortId } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import type { TargetKind } from './form';

export interface TargetOption {
  id: string;
  name: string;
  /** "LLM · Active": what tells two options with the same name apart. */
  hint: string;
}

export interface Targets {
  workflows: TargetOption[];
  agents: TargetOption[];
  workflowsError: CommandError | null;
  agentsError: CommandError | null;
  loading: boolean;
  /** The target's name, or its short id when it is not among the loaded ones. */
  nameOf: (kind: TargetKind, id: string) => string;
}

/** How many of each kind the picker offers (the service's largest page). */
export const TARGETS_PAGE = 100;

type Loaded<T> = PromiseSettledResult<Page<T>> | null;

export function workflowOption(w: Pick<Workflow, 'id' | 'name' | 'status' | 'version'>): TargetOption {
  return { id: w.id, name: w.name, hint: `${label(w.status)} · v${w.version}` };
}

export function agentOption(a: Pick<Agent, 'id' | 'name' | 'type' | 'status' | 'version'>): TargetOption {
  return { id: a.id, name: a.name, hint: `${a.type} · ${label(a.status)} · v${a.version}` };
}

export function makeTargets(workflows: Loaded<Workflow>, agents: Loaded<Agent>): Targets {
  const ok = <T>(r: Loaded<T>): T[] => (r?.status === 'fulfilled' ? r.value.items : []);
  const error = <T>(r: Loaded<T>): CommandError | null => (r?.status === 'rejected' ? toCommandError(r.reason) : null);
  const w = ok(workflows).map(workflowOption);
  const a = ok(agents).map(agentOption);
  const names = new Map<string, string>([...w, ...a].map((o) => [o.id, o.name]));
  return {
    workflows: w,
    agents: a,
    workflowsError: error(workflows),
    agentsError: error(agents),
    loading: workflows === null || agents === null,
    nameOf: (_kind, id) => names.get(id) ?? shortId(id),
  };
}

/** The picker's options, reloaded after any write (a workflow renamed elsewhere shows at once). */
export function useTargets(): Targets {
  const { shown } = useLoad(async () => {
    const query = { page: 1, pageSize: TARGETS_PAGE, sortBy: 'name', sortOrder: 'asc' } as const;
    const [workflows, agents] = await Promise.allSettled([
      backend.workflowsList(query),
      backend.agentsList(query),
    ]);
    return { workflows, agents };
  }, []);
  return makeTargets(shown?.workflows ?? null, shown?.agents ?? null);
}
