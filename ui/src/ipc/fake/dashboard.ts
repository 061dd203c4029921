// The in-memory Dashboard: illustrative numbers shaped like `dashboard_stats` (a few weeks of
// runs, some days empty), so the page and its charts can be previewed in a browser.
import type { DashboardStats } from '../../bindings/DashboardStats';
import type { DayStats } from '../../bindings/DayStats';
import type { RecentExecution } from '../../bindings/RecentExecution';
import type { DashboardApi } from '../backend';
import { newId } from './core';

const DAY_MS = 86_400_000;
const PREVIEW_WORKFLOWS = [
  { id: newId(), name: 'Preview Pipeline' },
  { id: newId(), name: 'Preview Digest' },
];

/** A repeatable pseudo-random number in [0, 1) for day `n`, so the preview is stable. */
function noise(n: number): number {
  const x = Math.sin(n * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

function dayStats(day: string, n: number): DayStats {
  // Every fifth day is empty; runs only in the last 45 days.
  if (n % 5 === 3 || n > 45) return { day, runs: 0, completed: 0, failed: 0, cancelled: 0, successRate: null, avgDurationMs: null };
  const runs = 1 + Math.floor(noise(n) * 9);
  const failed = Math.floor(runs * noise(n + 100) * 0.4);
  const cancelled = runs - failed > 2 && noise(n + 200) > 0.7 ? 1 : 0;
  const completed = runs - failed - cancelled;
  return {
    day,
    runs,
    completed,
    failed,
    cancelled,
    successRate: completed + failed > 0 ? completed / (completed + failed) : null,
    avgDurationMs: Math.round(800 + noise(n + 300) * 4000),
  };
}

export const fakeDashboard: DashboardApi = {
  async dashboardStats(query) {
    const days = query.days ?? 30;
    const offset = (query.utcOffsetMinutes ?? 0) * 60_000;
    const now = Date.now();
    const today = Math.floor((now + offset) / DAY_MS) * DAY_MS;
    const list: DayStats[] = [];
    for (let i = days - 1; i >= 0; i -= 1) list.push(dayStats(new Date(today - i * DAY_MS).toISOString().slice(0, 10), i));
    const sum = (k: 'runs' | 'completed' | 'failed' | 'cancelled') => list.reduce((t, d) => t + d[k], 0);
    const finished = list.filter((d) => d.avgDurationMs !== null);
    const recent: RecentExecution[] = Array.from({ length: 10 }, (_, i) => {
      const wf = PREVIEW_WORKFLOWS[i % 2]!;
      const status = i === 0 ? 'RUNNING' : noise(i) > 0.75 ? 'FAILED' : 'COMPLETED';
      return {
        id: newId(),
        workflowId: wf.id,
        workflowName: wf.name,
        status,
        triggerType: i % 3 === 0 ? 'SCHEDULED' : 'MANUAL',
        createdAt: new Date(now - i * 3_600_000 * 5).toISOString(),
        durationMs: status === 'RUNNING' ? null : Math.round(600 + noise(i + 7) * 5000),
      };
    });
    const completed = sum('completed');
    const failed = sum('failed');
    const stats: DashboardStats = {
      counts: { agents: 2, workflows: 2, templates: 6, executions: 412, deployments: 2, activeDeployments: 1, apiKeys: 1 },
      recent,
      days: list,
      totals: {
        runs: sum('runs'),
        completed,
        failed,
        cancelled: sum('cancelled'),
        successRate: completed + failed > 0 ? completed / (completed + failed) : null,
        avgDurationMs: finished.length ? Math.round(finished.reduce((t, d) => t + (d.avgDurationMs ?? 0), 0) / finished.length) : null,
      },
      topWorkflows: PREVIEW_WORKFLOWS.map((w, i) => ({ id: w.id, name: w.name, runs: 120 - i * 45, successful: 100 - i * 40 })),
      topAgents: [
        { id: newId(), name: 'Preview Fetcher', runs: 210, successful: 190 },
        { id: newId(), name: 'Preview Summarizer', runs: 96, successful: 90 },
      ],
      asOf: new Date(now).toISOString(),
    };
    return structuredClone(stats);
  },
};
