import * as Tooltip from '@radix-ui/react-tooltip';
import type { ReactElement } from 'react';

/** Wraps a control that RBAC (or state) disables, with the reason as a tooltip and for screen readers. */
export function WithReason({ reason, children }: { reason?: string | null; children: ReactElement }) {
  if (!reason) return children;
  return (
    <Tooltip.Root delayDuration={200}>
      <Tooltip.Trigger asChild>
        <span tabIndex={0} aria-label={reason} data-disabled-reason={reason}>
          {children}
        </span>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="tooltip" sideOffset={4}>
          {reason}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}
