//! The demo seed: the hosted project's seed content (2 users, 5 agents, 2 workflows with 6
//! steps, 6 official templates) under the hosted seed's fixed ids, so seeded rows are the same
//! rows on both sides. Idempotent: a row whose id (or, for users, email) exists is left as it
//! is, so a second run writes nothing at all.

use serde_json::{json, Value as Json};
use turbocat_domain::*;
use turbocat_store::row::{self, Table};

pub const fn seed_id(n: u64) -> Uuid {
    Uuid::from_u64_pair(0x0000_0000_0000_4000, 0x8000_0000_0000_0000 | n)
}

pub const ADMIN_ID: Uuid = seed_id(0x0001);
pub const DEMO_ID: Uuid = seed_id(0x0002);

/// How many rows of each table the seed wrote (all zero on a second run).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SeedReport {
    pub users: usize,
    pub agents: usize,
    pub workflows: usize,
    pub workflow_steps: usize,
    pub templates: usize,
}

impl SeedReport {
    pub fn total(&self) -> usize {
        self.users + self.agents + self.workflows + self.workflow_steps + self.templates
    }
}

fn user(id: Uuid, email: &str, name: &str, role: UserRole, prefs: Json, t: Timestamp) -> User {
    User {
        id,
        email: email.into(),
        password_hash: None,
        full_name: Some(name.into()),
        avatar_url: None,
        role,
        is_active: true,
        email_verified: true,
        email_verified_at: Some(t),
        last_login_at: None,
        preferences: prefs,
        created_at: t,
        updated_at: t,
        deleted_at: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn agent(
    n: u64,
    name: &str,
    desc: &str,
    ty: AgentType,
    config: Json,
    caps: Json,
    params: Json,
    tags: &[&str],
    t: Timestamp,
) -> Agent {
    Agent {
        id: seed_id(n),
        name: name.into(),
        description: Some(desc.into()),
        agent_type: ty,
        status: AgentStatus::Active,
        version: 1,
        parent_id: None,
        user_id: ADMIN_ID,
        config,
        capabilities: caps,
        parameters: params,
        max_execution_time: Some(300),
        max_memory_mb: Some(512),
        max_concurrent_executions: Some(1),
        total_executions: 0,
        successful_executions: 0,
        failed_executions: 0,
        avg_execution_time_ms: 0,
        tags: Some(tags.iter().map(|s| s.to_string()).collect()),
        is_public: true,
        is_template: true,
        created_at: t,
        updated_at: t,
        deleted_at: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn workflow(
    n: u64,
    name: &str,
    desc: &str,
    definition: Json,
    trigger: Json,
    cron: Option<&str>,
    tags: &[&str],
    t: Timestamp,
) -> Workflow {
    Workflow {
        id: seed_id(n),
        name: name.into(),
        description: Some(desc.into()),
        user_id: ADMIN_ID,
        status: WorkflowStatus::Active,
        version: 1,
        parent_id: None,
        definition,
        trigger_config: trigger,
        schedule_enabled: false,
        schedule_cron: cron.map(String::from),
        schedule_timezone: "UTC".into(),
        total_executions: 0,
        successful_executions: 0,
        failed_executions: 0,
        avg_execution_time_ms: 0,
        last_execution_at: None,
        tags: Some(tags.iter().map(|s| s.to_string()).collect()),
        is_public: true,
        created_at: t,
        updated_at: t,
        deleted_at: None,
    }
}

/// (id, workflow, agent, key, name, position, config, inputs, outputs, depends_on, retries, delay, timeout, on_error)
type StepSpec<'a> =
    (u64, u64, Option<u64>, &'a str, &'a str, i64, Json, Json, Json, &'a [&'a str], i64, i64, i64, ErrorHandling);

fn step(s: StepSpec<'_>, t: Timestamp) -> WorkflowStep {
    let (n, wf, ag, key, name, pos, config, inputs, outputs, deps, retries, delay, timeout, on_error) = s;
    WorkflowStep {
        id: seed_id(n),
        workflow_id: seed_id(wf),
        agent_id: ag.map(seed_id),
        step_key: key.into(),
        step_name: name.into(),
        step_type: WorkflowStepType::Agent,
        position: pos,
        config,
        inputs,
        outputs,
        depends_on: Some(deps.iter().map(|s| s.to_string()).collect()),
        retry_count: retries,
        retry_delay_ms: delay,
        timeout_ms: timeout,
        on_error,
        created_at: t,
        updated_at: t,
    }
}

#[allow(clippy::too_many_arguments)]
fn template(
    n: u64,
    name: &str,
    desc: &str,
    category: &str,
    ty: TemplateType,
    data: Json,
    tags: &[&str],
    t: Timestamp,
) -> Template {
    Template {
        id: seed_id(n),
        name: name.into(),
        description: Some(desc.into()),
        category: category.into(),
        template_type: ty,
        user_id: Some(ADMIN_ID),
        template_data: data,
        tags: Some(tags.iter().map(|s| s.to_string()).collect()),
        is_official: true,
        is_public: true,
        usage_count: 0,
        rating_average: Hundredths(0),
        rating_count: 0,
        created_at: t,
        updated_at: t,
        deleted_at: None,
    }
}

pub struct SeedData {
    pub users: Vec<User>,
    pub agents: Vec<Agent>,
    pub workflows: Vec<Workflow>,
    pub steps: Vec<WorkflowStep>,
    pub templates: Vec<Template>,
}

pub fn data(t: Timestamp) -> SeedData {
    use ErrorHandling::*;
    let users = vec![
        user(
            ADMIN_ID,
            "admin@turbocat.dev",
            "Admin User",
            UserRole::Admin,
            json!({"theme": "system", "notifications": {"email": true, "push": true, "executionAlerts": true}, "defaultView": "dashboard"}),
            t,
        ),
        user(
            DEMO_ID,
            "demo@turbocat.dev",
            "Demo User",
            UserRole::User,
            json!({"theme": "light", "notifications": {"email": true, "push": false, "executionAlerts": true}}),
            t,
        ),
    ];
    let agents = vec![
        agent(
            0x1001,
            "Web Scraper",
            "Extracts data from web pages using configurable selectors",
            AgentType::Code,
            json!({"runtime": "nodejs", "version": "20", "entrypoint": "scrape.js", "dependencies": ["puppeteer", "cheerio"]}),
            json!(["http_request", "html_parsing", "data_extraction"]),
            json!({"url": {"type": "string", "required": true, "description": "URL to scrape"},
                   "selectors": {"type": "object", "required": true, "description": "CSS selectors for extraction"},
                   "waitForSelector": {"type": "string", "required": false, "description": "Wait for element before scraping"}}),
            &["web", "scraping", "data-extraction"],
            t,
        ),
        agent(
            0x1002,
            "Data Transformer",
            "Transforms and maps data between different formats",
            AgentType::Data,
            json!({"operations": ["map", "filter", "reduce", "flatten", "group"], "outputFormats": ["json", "csv", "xml"]}),
            json!(["data_transformation", "format_conversion"]),
            json!({"input": {"type": "any", "required": true, "description": "Input data to transform"},
                   "mapping": {"type": "object", "required": true, "description": "Field mapping configuration"},
                   "outputFormat": {"type": "string", "required": false, "default": "json"}}),
            &["data", "transformation", "etl"],
            t,
        ),
        agent(
            0x1003,
            "API Caller",
            "Makes HTTP requests to external APIs with authentication",
            AgentType::Api,
            json!({"supportedMethods": ["GET", "POST", "PUT", "PATCH", "DELETE"], "authTypes": ["none", "bearer", "basic", "api_key"],
                   "retryPolicy": {"maxRetries": 3, "backoffMs": 1000}}),
            json!(["http_request", "authentication", "retry"]),
            json!({"url": {"type": "string", "required": true},
                   "method": {"type": "string", "required": true, "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
                   "headers": {"type": "object", "required": false}, "body": {"type": "any", "required": false},
                   "auth": {"type": "object", "required": false}}),
            &["api", "http", "integration"],
            t,
        ),
        agent(
            0x1004,
            "LLM Summarizer",
            "Uses AI to summarize and analyze text content",
            AgentType::Llm,
            json!({"provider": "openai", "model": "gpt-4o-mini", "maxTokens": 2000, "temperature": 0.3}),
            json!(["text_summarization", "content_analysis", "natural_language"]),
            json!({"text": {"type": "string", "required": true, "description": "Text to summarize"},
                   "style": {"type": "string", "required": false, "enum": ["brief", "detailed", "bullet_points"]},
                   "maxLength": {"type": "number", "required": false, "default": 500}}),
            &["ai", "llm", "summarization", "nlp"],
            t,
        ),
        agent(
            0x1005,
            "Email Sender",
            "Sends emails using configurable templates and SMTP",
            AgentType::Api,
            json!({"providers": ["smtp", "sendgrid", "resend"], "templateEngine": "handlebars"}),
            json!(["email_send", "template_rendering"]),
            json!({"to": {"type": "string", "required": true}, "subject": {"type": "string", "required": true},
                   "body": {"type": "string", "required": true}, "templateId": {"type": "string", "required": false},
                   "templateData": {"type": "object", "required": false}}),
            &["email", "notification", "communication"],
            t,
        ),
    ];
    let workflows = vec![
        workflow(
            0x2001,
            "Data Pipeline",
            "Fetches data from an API, transforms it, and stores the results",
            json!({"version": "1.0", "description": "A sample data pipeline workflow",
                   "inputs": {"apiUrl": {"type": "string", "required": true}, "outputFormat": {"type": "string", "default": "json"}},
                   "outputs": {"processedData": {"type": "object"}, "recordCount": {"type": "number"}}}),
            json!({"manual": true, "scheduled": false}),
            None,
            &["data", "pipeline", "etl"],
            t,
        ),
        workflow(
            0x2002,
            "Content Generator",
            "Scrapes web content, summarizes it with AI, and sends a notification",
            json!({"version": "1.0", "description": "Automated content generation and summarization",
                   "inputs": {"sourceUrl": {"type": "string", "required": true}, "notifyEmail": {"type": "string", "required": true}},
                   "outputs": {"summary": {"type": "string"}, "sentAt": {"type": "datetime"}}}),
            json!({"manual": true, "scheduled": true}),
            Some("0 9 * * 1"),
            &["content", "ai", "automation"],
            t,
        ),
    ];
    let steps = vec![
        step(
            (
                0x3001,
                0x2001,
                Some(0x1003),
                "fetch_data",
                "Fetch Data from API",
                0,
                json!({}),
                json!({"url": "{{inputs.apiUrl}}", "method": "GET"}),
                json!({"data": "{{response.body}}"}),
                &[],
                3,
                2000,
                30000,
                Retry,
            ),
            t,
        ),
        step(
            (
                0x3002,
                0x2001,
                Some(0x1002),
                "transform_data",
                "Transform Data",
                1,
                json!({}),
                json!({"input": "{{fetch_data.data}}", "outputFormat": "{{inputs.outputFormat}}"}),
                json!({"processedData": "{{result}}", "recordCount": "{{result.length}}"}),
                &["fetch_data"],
                0,
                1000,
                60000,
                Fail,
            ),
            t,
        ),
        step(
            (
                0x3003,
                0x2001,
                None,
                "save_data",
                "Save Results",
                2,
                json!({"storage": "workflow_output"}),
                json!({"data": "{{transform_data.processedData}}"}),
                json!({}),
                &["transform_data"],
                1,
                1000,
                10000,
                Continue,
            ),
            t,
        ),
        step(
            (
                0x3004,
                0x2002,
                Some(0x1001),
                "fetch_content",
                "Fetch Web Content",
                0,
                json!({}),
                json!({"url": "{{inputs.sourceUrl}}", "selectors": {"title": "h1", "content": "article, .content, main"}}),
                json!({"rawContent": "{{result.content}}", "title": "{{result.title}}"}),
                &[],
                2,
                3000,
                45000,
                Retry,
            ),
            t,
        ),
        step(
            (
                0x3005,
                0x2002,
                Some(0x1004),
                "summarize",
                "Summarize with AI",
                1,
                json!({}),
                json!({"text": "{{fetch_content.rawContent}}", "style": "detailed", "maxLength": 1000}),
                json!({"summary": "{{result}}"}),
                &["fetch_content"],
                1,
                5000,
                120000,
                Fail,
            ),
            t,
        ),
        step(
            (
                0x3006,
                0x2002,
                Some(0x1005),
                "notify",
                "Send Notification",
                2,
                json!({}),
                json!({"to": "{{inputs.notifyEmail}}", "subject": "Content Summary: {{fetch_content.title}}", "body": "{{summarize.summary}}"}),
                json!({"sentAt": "{{result.sentAt}}"}),
                &["summarize"],
                2,
                5000,
                30000,
                Retry,
            ),
            t,
        ),
    ];
    let templates = vec![
        template(
            0x4001,
            "Web Scraper",
            "A template for creating web scraping agents that extract data from websites using CSS selectors.",
            "data-extraction",
            TemplateType::Agent,
            json!({"type": "CODE", "config": {"runtime": "nodejs", "version": "20"},
                   "parameters": {"url": {"type": "string", "required": true, "description": "Target URL"},
                                  "selectors": {"type": "object", "required": true, "description": "CSS selectors"}},
                   "capabilities": ["http_request", "html_parsing"]}),
            &["web", "scraping", "data"],
            t,
        ),
        template(
            0x4002,
            "Data Transformer",
            "Transform and map data between different formats with powerful operations.",
            "data-processing",
            TemplateType::Agent,
            json!({"type": "DATA", "config": {"operations": ["map", "filter", "reduce"]},
                   "parameters": {"input": {"type": "any", "required": true}, "mapping": {"type": "object", "required": true}},
                   "capabilities": ["data_transformation"]}),
            &["data", "transformation", "etl"],
            t,
        ),
        template(
            0x4003,
            "API Integration",
            "Connect to external REST APIs with authentication and error handling.",
            "integration",
            TemplateType::Agent,
            json!({"type": "API", "config": {"retryPolicy": {"maxRetries": 3}},
                   "parameters": {"url": {"type": "string", "required": true}, "method": {"type": "string", "required": true},
                                  "auth": {"type": "object", "required": false}},
                   "capabilities": ["http_request", "authentication"]}),
            &["api", "rest", "integration"],
            t,
        ),
        template(
            0x4004,
            "LLM Assistant",
            "AI-powered text processing using large language models.",
            "ai",
            TemplateType::Agent,
            json!({"type": "LLM", "config": {"provider": "openai", "model": "gpt-4o-mini", "maxTokens": 2000},
                   "parameters": {"prompt": {"type": "string", "required": true}, "context": {"type": "string", "required": false}},
                   "capabilities": ["text_generation", "analysis"]}),
            &["ai", "llm", "nlp"],
            t,
        ),
        template(
            0x4005,
            "Email Automation",
            "Send automated emails with templating support.",
            "communication",
            TemplateType::Agent,
            json!({"type": "API", "config": {"providers": ["sendgrid", "resend"]},
                   "parameters": {"to": {"type": "string", "required": true}, "subject": {"type": "string", "required": true},
                                  "template": {"type": "string", "required": false}},
                   "capabilities": ["email_send"]}),
            &["email", "notification", "automation"],
            t,
        ),
        template(
            0x4006,
            "Data Pipeline",
            "A complete workflow template for ETL data pipelines with fetch, transform, and load steps.",
            "data-processing",
            TemplateType::Workflow,
            json!({"definition": {"version": "1.0", "steps": [
                        {"key": "fetch", "type": "AGENT", "agentType": "API"},
                        {"key": "transform", "type": "AGENT", "agentType": "DATA"},
                        {"key": "load", "type": "AGENT", "agentType": "API"}]},
                   "inputs": {"sourceUrl": {"type": "string", "required": true}, "destinationUrl": {"type": "string", "required": true}}}),
            &["pipeline", "etl", "workflow"],
            t,
        ),
    ];
    SeedData { users, agents, workflows, steps, templates }
}

fn insert_missing<T: Table>(conn: &rusqlite::Connection, rows: &[T]) -> Result<usize> {
    let mut n = 0;
    for r in rows {
        if row::get::<T>(conn, r.id())?.is_none() {
            row::insert(conn, r)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Writes what is missing of the seed, in the caller's transaction, with one audit row when
/// anything was written.
pub fn apply(conn: &rusqlite::Connection) -> Result<SeedReport> {
    let d = data(Timestamp::now());
    let mut report = SeedReport::default();
    for u in &d.users {
        let email_taken = turbocat_store::queries::lookups::user_exists(conn, u.id, &u.email)?;
        if !email_taken {
            row::insert(conn, u)?;
            report.users += 1;
        }
    }
    report.agents = insert_missing(conn, &d.agents)?;
    report.workflows = insert_missing(conn, &d.workflows)?;
    report.workflow_steps = insert_missing(conn, &d.steps)?;
    report.templates = insert_missing(conn, &d.templates)?;
    if report.total() > 0 {
        turbocat_store::queries::audit::record(
            conn,
            None,
            "db.seed",
            "database",
            None,
            json!({ "inserted": report }),
            json!({}),
        )?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_hosted_seed() {
        assert_eq!(ADMIN_ID.to_string(), "00000000-0000-4000-8000-000000000001");
        assert_eq!(seed_id(0x4006).to_string(), "00000000-0000-4000-8000-000000004006");
    }
}
