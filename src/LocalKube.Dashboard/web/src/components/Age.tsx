import { useNow } from '../hooks/useWatch';
import { ageOf } from '../lib/age';

/** A relative age that ticks, kubectl-style, with the absolute time as a tooltip. */
export function Age({ timestamp }: { timestamp?: string }) {
  const now = useNow();
  return (
    <time dateTime={timestamp} title={timestamp ? new Date(timestamp).toLocaleString() : undefined}>
      {ageOf(timestamp, now)}
    </time>
  );
}
