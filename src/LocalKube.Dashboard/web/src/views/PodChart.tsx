import { ArcElement, Chart, DoughnutController, Legend, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import type { PodCategory } from '../lib/table';

Chart.register(DoughnutController, ArcElement, Legend, Tooltip);

const order: [PodCategory, string, string][] = [
  ['running', 'Running', '--ok'],
  ['pending', 'Pending / not ready', '--progress'],
  ['failing', 'Failing', '--bad'],
  ['completed', 'Completed', '--muted'],
];

/** The overview's pods-by-state doughnut (Chart.js, loaded after the first paint). */
export default function PodChart({ counts }: { counts: Record<PodCategory, number> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'doughnut'> | null>(null);

  useEffect(() => {
    const css = getComputedStyle(document.documentElement);
    chart.current = new Chart(canvas.current!, {
      type: 'doughnut',
      data: {
        labels: order.map(([, label]) => label),
        datasets: [{ data: order.map(() => 0), backgroundColor: order.map(([, , color]) => css.getPropertyValue(color).trim()), borderWidth: 0 }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        cutout: '60%',
        plugins: { legend: { position: 'right', labels: { color: css.getPropertyValue('--text').trim(), boxWidth: 12 } } },
      },
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    if (!chart.current) return;
    chart.current.data.labels = order.map(([key, label]) => `${label}: ${counts[key]}`);
    chart.current.data.datasets[0].data = order.map(([key]) => counts[key]);
    chart.current.update();
  }, [counts]);

  const summary = order.map(([key, label]) => `${counts[key]} ${label.toLowerCase()}`).join(', ');
  const total = order.reduce((sum, [key]) => sum + counts[key], 0);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={`Pods by state: ${summary}`} style={{ visibility: total === 0 ? "hidden" : "visible" }} />
      {total === 0 && <p className="empty muted">No pods in the selected namespaces.</p>}
    </div>
  );
}
