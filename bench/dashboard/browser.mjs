// Cold load to overview, first-load bytes, pod created to visible, and server memory with 1,000 pods watched.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../src/LocalKube.Dashboard/web/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [link, pid, certs, apiPort, rounds] = process.argv.slice(2);
const tls = { ca: readFileSync(`${certs}/ca.crt`), cert: readFileSync(`${certs}/admin.crt`), key: readFileSync(`${certs}/admin.key`) };

const api = (method, path, body) =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(apiPort), method, path, headers: { 'Content-Type': 'application/json' }, ...tls }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode < 300 ? resolve(text) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
const pod = (name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } });
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return `median ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, min ${s[0].toFixed(0)} ms (${s.length} runs)`;
};
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const origin = new URL(link).origin;

// Cold load: a new context (no cache, no cookie) each round, from the link to the overview's numbers.
const loads = [];
let firstLoadBytes = 0;
for (let i = 0; i < Number(rounds); i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bytes = [];
  page.on('requestfinished', async (r) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith('/api/')) bytes.push((await r.sizes()).responseBodySize);
  });
  const started = performance.now();
  await page.goto(link);
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid=tile-pods] .count')?.textContent ?? ''));
  loads.push(performance.now() - started);
  await page.waitForLoadState('networkidle');
  firstLoadBytes = bytes.reduce((a, b) => a + b, 0);
  await context.close();
}
console.log(`cold page load -> overview rendered: ${stats(loads)}`);
console.log(`first load (document, scripts, styles, the overview's chart chunk), as transferred: ${(firstLoadBytes / 1024).toFixed(1)} KB`);

// Pod created (one API call) to its row on screen, in an open list.
await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(link);
await page.goto(`${origin}/pods?ns=bench`);
await page.getByTestId('row-count').filter({ hasText: /^\d+/ }).waitFor();
const visible = [];
for (let i = 0; i < Number(rounds); i++) {
  const name = `visible-${i}`;
  const started = performance.now();
  await api('POST', '/api/v1/namespaces/bench/pods', pod(name));
  await page.locator(`tr[data-name='${name}']`).waitFor();
  visible.push(performance.now() - started);
}
console.log(`pod created -> visible in the open list: ${stats(visible)}`);

// 1,000 pods watched: the pods list and the overview open, in two tabs.
const before = rss();
for (let i = 0; i < 1000; i += 20) {
  await Promise.all(Array.from({ length: 20 }, (_, j) => api('POST', '/api/v1/namespaces/bench/pods', pod(`load-${String(i + j).padStart(4, '0')}`))));
}
await page.getByTestId('row-count').filter({ hasText: /^10\d\d/ }).waitFor({ timeout: 60000 });
const overview = await context.newPage();
await overview.goto(origin + '/');
await overview.waitForFunction(() => Number(document.querySelector('[data-testid=tile-pods] .count')?.textContent) >= 1000);
await page.waitForTimeout(3000);
console.log(`dashboard server RSS: ${before.toFixed(0)} MB before, ${rss().toFixed(0)} MB with 1,000+ pods watched (two tabs)`);
await browser.close();
