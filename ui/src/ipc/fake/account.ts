// The in-memory API keys and audit log; a new key is stored as given, unchecked (names, scopes,
// expiry and rate limits are Rust's rules).
import type { ApiKey } from '../../bindings/ApiKey';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { AccountApi } from '../backend';
import { audit, auditRows, changed, newId, notFound, now, paged, USER } from './core';

const apiKeys: ApiKey[] = [];
const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const fakeAccount: Partial<AccountApi> = {
  async apiKeysList(query) {
    const search = query.search?.trim().toLowerCase();
    const rows = apiKeys
      .filter((k) => !search || k.name.toLowerCase().includes(search) || k.keyPrefix.toLowerCase().includes(search))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return paged(rows, query.page ?? 1, query.pageSize ?? 20);
  },

  async apiKeysCreate(input) {
    const random = crypto.getRandomValues(new Uint8Array(40));
    const key = `tc_${Array.from(random, (b) => KEY_CHARS[b % KEY_CHARS.length]).join('')}`;
    const at = now();
    const apiKey: ApiKey = {
      id: newId(),
      userId: USER,
      name: input.name,
      keyPrefix: key.slice(0, 12),
      scopes: input.scopes ?? [],
      isActive: true,
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: null,
      usageCount: 0,
      rateLimitPerMinute: input.rateLimitPerMinute ?? 60,
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
    };
    apiKeys.push(apiKey);
    audit('api_key.create', 'api_key', apiKey.id, { after: structuredClone(apiKey) as unknown as JsonValue });
    changed();
    return { key, apiKey: structuredClone(apiKey) };
  },

  async apiKeysRevoke(id) {
    const apiKey = apiKeys.find((k) => k.id === id) ?? notFound();
    if (apiKey.isActive) {
      apiKey.isActive = false;
      apiKey.updatedAt = now();
      audit('api_key.revoke', 'api_key', id, { isActive: { before: true, after: false } });
      changed();
    }
    return structuredClone(apiKey);
  },

  async auditList(query) {
    const action = query.action;
    const rows = auditRows
      .filter(
        (r) =>
          (!action || (action.endsWith('.') ? r.action.startsWith(action) : r.action === action)) &&
          (!query.resourceType || r.resourceType === query.resourceType) &&
          (!query.resourceId || r.resourceId === query.resourceId) &&
          (!query.from || r.createdAt >= query.from) &&
          (!query.to || r.createdAt <= query.to),
      )
      .reverse();
    return paged(rows, query.page ?? 1, query.pageSize ?? 20);
  },
};
