// Names the UI uses for generated types (ui/src/bindings, from the Rust types by ts-rs). Pages
// may import any other generated type from ../bindings directly; nothing here is hand-written.
export type { Error as CommandError } from '../bindings/Error';
export type { ErrorCode } from '../bindings/ErrorCode';
export type { FieldError } from '../bindings/FieldError';
export type { JsonValue as Json } from '../bindings/serde_json/JsonValue';
export type { Page } from '../bindings/Page';
export type { ListParams } from '../bindings/ListParams';
export type { Agent } from '../bindings/Agent';
export type { AgentQuery } from '../bindings/AgentQuery';
export type { AgentStatus } from '../bindings/AgentStatus';
export type { AgentType } from '../bindings/AgentType';
export type { CreateAgent } from '../bindings/CreateAgent';
export type { UpdateAgent } from '../bindings/UpdateAgent';
