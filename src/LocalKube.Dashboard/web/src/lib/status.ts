/** How a status word looks: never colour alone (see StatusBadge), always a word and an icon too. */
export type Tone = 'ok' | 'progress' | 'bad' | 'muted' | 'neutral';

const bad = /(Err|Error|BackOff|Fail|Invalid|OOM|Evicted|Unknown|NotReady|Lost|Unschedulable|Crash|Signal|ExitCode|Denied|Forbidden|Terminated)/i;
const progress = /(Pending|Creating|Init|Progress|Waiting|Bound?ing|Scheduling|Active|Suspended|Released)/i;
const muted = /(Completed|Succeeded|Terminating|Complete|SchedulingDisabled)/i;
const ok = /^(Running|Ready|Bound|Available|Active|True|Normal|Healthy|ok|Complete)$/i;

export function toneOf(status: string): Tone {
  if (!status) return 'neutral';
  if (status.includes('NotReady') || status.startsWith('Init:') && bad.test(status)) return 'bad';
  if (ok.test(status) || /^Ready(,|$)/.test(status)) return status.includes('SchedulingDisabled') ? 'progress' : 'ok';
  if (bad.test(status)) return 'bad';
  if (muted.test(status)) return 'muted';
  if (progress.test(status)) return 'progress';
  return 'neutral';
}

/** "2/3" ready counts: all ready is ok, some is progress, none of some is bad. */
export function toneOfRatio(text: string): Tone | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const [have, want] = [Number(m[1]), Number(m[2])];
  if (want === 0) return 'muted';
  return have >= want ? 'ok' : have === 0 ? 'bad' : 'progress';
}
