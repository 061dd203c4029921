// Stars: a template's average as five stars with its label, and the 1–5 rating buttons.
import { useState } from 'react';
import type { Template } from '../../bindings/Template';
import { parseRating, ratingLabel, ratingStars } from './gallery';

const GLYPH = { full: '★', half: '★', empty: '★' } as const;

/** The average as stars (to the half) with "4.25 · 12 ratings". */
export function StarsShown({ template }: { template: Pick<Template, 'ratingAverage' | 'ratingCount'> }) {
  const average = parseRating(template.ratingAverage);
  const text = ratingLabel(template.ratingAverage, template.ratingCount);
  return (
    <span className="stars" title={text}>
      <span className="stars-row" aria-hidden="true">
        {ratingStars(template.ratingCount > 0 ? average : 0).map((s, i) => (
          <span key={i} className={`star-${s}`}>
            {GLYPH[s]}
          </span>
        ))}
      </span>
      <span className="rating-text">{text}</span>
    </span>
  );
}

/**
 * Five buttons that rate 1–5. `given` is the rating this session already gave (the buttons
 * then show it and are disabled); `busy` while the rating is being saved.
 */
export function RateButtons(props: { given: number | null; busy: boolean; onRate: (rating: number) => void }) {
  const [hover, setHover] = useState(0);
  const lit = props.given ?? hover;
  const done = props.given !== null;
  return (
    <span className="rate-buttons" role="group" aria-label="Rate this template" onMouseLeave={() => setHover(0)}>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          type="button"
          className={n <= lit ? 'lit' : undefined}
          aria-label={`Rate ${n} ${n === 1 ? 'star' : 'stars'}`}
          aria-pressed={props.given === n}
          title={done ? `You rated it ${props.given}` : `${n} of 5`}
          disabled={done || props.busy}
          onMouseEnter={() => setHover(n)}
          onFocus={() => setHover(n)}
          onBlur={() => setHover(0)}
          onClick={() => props.onRate(n)}
        >
          ★
        </button>
      ))}
    </span>
  );
}
