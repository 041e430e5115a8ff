// Workflows shared by several reliability tests.

import { clusterWorkflow } from '../e2e/cluster';

/** src -> 18 fan-out jobs -> join -> chain of 8 -> done, and a 3-task array after src: 30 jobs. */
export function thirtyJobs(name: string): { yaml: string; keys: string[] } {
  const keys: string[] = ['src'];
  let body = 'jobs:\n  src:\n    image: workflow\n    command: sleep 1\n';
  const fan: string[] = [];
  for (let i = 1; i <= 18; i++) {
    const k = `f${String(i).padStart(2, '0')}`;
    fan.push(k);
    keys.push(k);
    body += `  ${k}:\n    needs: [src]\n    image: workflow\n    command: sh -c 'sleep 1; echo ${k} > @DIR@/out/${k}'\n`;
  }
  body += `  join:\n    needs: [${fan.join(', ')}]\n    image: workflow\n    command: sh -c 'ls @DIR@/out | wc -l'\n`;
  keys.push('join');
  let prev = 'join';
  for (let i = 1; i <= 8; i++) {
    body += `  c${i}:\n    needs: [${prev}]\n    image: workflow\n    command: sh -c 'echo ${i} >> @DIR@/out/chain'\n`;
    keys.push(`c${i}`);
    prev = `c${i}`;
  }
  body += `  arr:\n    needs: [src]\n    image: workflow\n    matrix: { n: [1, 2, 3] }\n    command: sh -c 'sleep 1; echo \${{ matrix.n }} > @DIR@/out/arr.$SLURM_ARRAY_TASK_ID'\n`;
  keys.push('arr');
  body += `  done:\n    needs: [${prev}, arr]\n    image: workflow\n    command: touch @DIR@/out/done\n`;
  keys.push('done');
  return { yaml: clusterWorkflow(name, body), keys };
}

