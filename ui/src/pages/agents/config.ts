// What each agent type keeps in `config`: the fields the config form shows per type. Keys not
// listed here stay editable in the raw JSON editor and are kept as they are.
import type { AgentType } from '../../ipc';

export type ConfigFieldKind = 'text' | 'number' | 'textarea' | 'code' | 'json' | 'select';

export interface ConfigField {
  key: string;
  label: string;
  kind: ConfigFieldKind;
  options?: readonly string[];
  placeholder?: string;
  /** For `json` fields: the JSON shape the value must have. */
  shape?: 'object' | 'array';
}

export const CONFIG_FIELDS: Record<AgentType, readonly ConfigField[]> = {
  API: [
    { key: 'url', label: 'URL', kind: 'text', placeholder: 'https://api.example.com/items' },
    { key: 'method', label: 'Method', kind: 'select', options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    { key: 'headers', label: 'Headers (JSON object)', kind: 'json', shape: 'object', placeholder: '{"Accept": "application/json"}' },
    { key: 'timeoutMs', label: 'Timeout (ms)', kind: 'number', placeholder: '30000' },
  ],
  LLM: [
    { key: 'model', label: 'Model', kind: 'text', placeholder: 'llama3.1:8b' },
    { key: 'systemPrompt', label: 'System prompt', kind: 'textarea' },
    { key: 'temperature', label: 'Temperature', kind: 'number', placeholder: '0.7' },
    { key: 'maxTokens', label: 'Max tokens', kind: 'number', placeholder: '1024' },
  ],
  CODE: [
    { key: 'code', label: 'Code', kind: 'code' },
    { key: 'entryFunction', label: 'Entry function', kind: 'text', placeholder: 'main' },
  ],
  DATA: [
    { key: 'operations', label: 'Operations (JSON array)', kind: 'json', shape: 'array', placeholder: '[{"op": "filter", "field": "status", "equals": "ok"}]' },
  ],
  WORKFLOW: [{ key: 'workflowId', label: 'Workflow ID', kind: 'text' }],
};

export function isConfigKey(type: AgentType, key: string): boolean {
  return CONFIG_FIELDS[type].some((f) => f.key === key);
}
