// Test data for the builder's unit tests: stored steps and a workflow as the backend returns them.
import type { WorkflowStep } from '../../bindings/WorkflowStep';
import type { WorkflowWithSteps } from '../../bindings/WorkflowWithSteps';

const T = '2026-01-01T00:00:00.000Z';

export function stored(key: string, position: number, dependsOn: string[], extra: Partial<WorkflowStep> = {}): WorkflowStep {
  return {
    id: `id-${key}`,
    workflowId: 'w1',
    agentId: null,
    stepKey: key,
    stepName: key.toUpperCase(),
    stepType: 'AGENT',
    position,
    config: {},
    inputs: {},
    outputs: {},
    dependsOn,
    retryCount: 0,
    retryDelayMs: 1000,
    timeoutMs: 30000,
    onError: 'FAIL',
    createdAt: T,
    updatedAt: T,
    ...extra,
  };
}

export function workflow(steps: WorkflowStep[], definition: WorkflowWithSteps['definition'] = {}): WorkflowWithSteps {
  return {
    id: 'w1',
    name: 'Pipeline',
    description: null,
    userId: 'u',
    status: 'DRAFT',
    version: 1,
    parentId: null,
    definition,
    triggerConfig: {},
    scheduleEnabled: false,
    scheduleCron: null,
    scheduleTimezone: 'UTC',
    totalExecutions: 0,
    successfulExecutions: 0,
    failedExecutions: 0,
    avgExecutionTimeMs: 0,
    lastExecutionAt: null,
    tags: ['etl'],
    isPublic: false,
    createdAt: T,
    updatedAt: T,
    deletedAt: null,
    steps,
  };
}
