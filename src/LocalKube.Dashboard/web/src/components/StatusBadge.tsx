import type { ReactElement } from 'react';
import { toneOf, type Tone } from '../lib/status';

const icons: Record<Tone, ReactElement> = {
  ok: <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" />,
  progress: (
    <g fill="none" stroke="currentColor" strokeWidth="1.8">
      <circle cx="8" cy="8" r="6" />
      <path d="M8 4.5V8l2.5 1.5" />
    </g>
  ),
  bad: <path d="M4 4l8 8M12 4l-8 8" fill="none" stroke="currentColor" strokeWidth="2" />,
  muted: <path d="M4 8h8" fill="none" stroke="currentColor" strokeWidth="2" />,
  neutral: <circle cx="8" cy="8" r="3" fill="currentColor" />,
};

/** A status as a word, an icon and a colour together: colour is never the only signal. */
export function StatusBadge({ status, tone }: { status: string; tone?: Tone }) {
  const t = tone ?? toneOf(status);
  return (
    <span className={`badge tone-${t}`} data-tone={t}>
      <svg viewBox="0 0 16 16" aria-hidden="true">
        {icons[t]}
      </svg>
      {status || '—'}
    </span>
  );
}
