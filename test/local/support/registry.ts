// A throwaway image registry on 127.0.0.1 (Debian's docker-registry, filesystem storage, a free
// port), for tests that pull images without internet. Stopped by its PID.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface Registry {
  /** `127.0.0.1:PORT` */
  address: string;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function answers(address: string): Promise<boolean> {
  try {
    const r = await fetch(`http://${address}/v2/`);
    return r.status === 200;
  } catch {
    return false;
  }
}

export async function startRegistry(dir: string): Promise<Registry> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog: { level: warn }\nstorage: { filesystem: { rootdirectory: ${join(dir, 'data')} } }\nhttp: { addr: "${address}" }\n`);
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; i < 200 && child.exitCode === null; i++) {
    if (await answers(address)) {
      return {
        address,
        pid: child.pid!,
        stop: async () => {
          if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
          await exited;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
  throw new Error(`docker-registry did not come up on ${address}: ${stderr.trim()}`);
}
