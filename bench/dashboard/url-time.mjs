// Time from starting 'localkube dashboard --url --port 0' to its link on stdout, N rounds (median and p95).
import { spawn } from 'node:child_process';

const [cli, profile, rounds] = process.argv.slice(2);
const times = [];
for (let i = 0; i < Number(rounds); i++) {
  const started = performance.now();
  const child = spawn(cli, ['dashboard', '--url', '--port', '0', '-p', profile], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (chunk.toString().includes('http://127.0.0.1:')) {
        times.push(performance.now() - started);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`dashboard exited with ${code}`)));
  });
  child.kill('SIGINT');
  await new Promise((r) => child.on('exit', r));
}
const sorted = times.sort((a, b) => a - b);
const pick = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
console.log(`dashboard --url -> link printed: median ${pick(0.5).toFixed(0)} ms, p95 ${pick(0.95).toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms (${sorted.length} runs)`);
