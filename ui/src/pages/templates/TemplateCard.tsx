// One template in the gallery: type, official badge, name, description, tags, rating and usage,
// with "Use template" (create from it) and "Details".
import type { Template } from '../../bindings/Template';
import { label } from '../../lib/format';
import { usageLabel } from './gallery';
import { StarsShown } from './Stars';

export function TemplateCard(props: {
  template: Template;
  activeTags: readonly string[];
  onOpen: () => void;
  onUse: () => void;
  onTag: (tag: string) => void;
}) {
  const t = props.template;
  const titleId = `tpl-title-${t.id}`;
  return (
    <article className="tpl-card" aria-labelledby={titleId} data-template-id={t.id}>
      <div className="tpl-card-badges">
        <span className="badge badge-type">{label(t.type)}</span>
        {t.isOfficial && (
          <span className="badge badge-official" title="Made by Turbocat">
            Official
          </span>
        )}
        {!t.isOfficial && !t.isPublic && (
          <span className="badge badge-private" title="Only you see it">
            Private
          </span>
        )}
      </div>
      <h3 id={titleId}>
        <button type="button" onClick={props.onOpen} title="Show details">
          {t.name}
        </button>
      </h3>
      {t.description ? <p className="tpl-card-desc">{t.description}</p> : <p className="tpl-card-desc muted">No description.</p>}
      {(t.tags ?? []).length > 0 && (
        <ul className="tags" aria-label="Tags">
          {(t.tags ?? []).map((tag) => (
            <li key={tag}>
              <button
                type="button"
                className={props.activeTags.includes(tag) ? 'chip chip-on' : 'chip'}
                title={`Show only templates tagged ${tag}`}
                onClick={() => props.onTag(tag)}
              >
                {tag}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="tpl-card-meta">
        <StarsShown template={t} />
        <span>{usageLabel(t.usageCount)}</span>
      </div>
      <div className="tpl-card-actions">
        {t.type !== 'STEP' && (
          <button type="button" onClick={props.onUse}>
            Use template
          </button>
        )}
        <button type="button" className="secondary" onClick={props.onOpen}>
          Details
        </button>
      </div>
    </article>
  );
}
