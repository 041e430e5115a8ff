// The peer-comparison DAG (root -> FANOUT fan-out jobs -> join -> a CHAIN-job chain; 200 jobs by
// default) written for shifterflow (workflow YAML) and for Snakemake (a Snakefile with one rule per
// job, every job running COMMAND), so that P2 and P3 give both tools the same work.
export function snakeWorkflowYaml({ name = 'snake', fanout = 150, chain = 48, image = 'docker:workflow:latest', profile = '{ base: slurm, siteFileSystems: [/sfglobal] }', defaults = '{ account: m1234, qos: regular, time: "00:05:00" }', command = 'true', group } = {}) {
  const lines = [`version: 1`, `name: ${name}`, `profile: ${profile}`, `defaults: ${defaults}`, `images: { box: "${image}" }`, `jobs:`];
  lines.push(`  root: { image: box, command: "${command}" }`);
  for (let i = 0; i < fanout; i++) lines.push(`  fan${i}: { needs: [root], image: box, command: "${command}" }`);
  lines.push(`  join: { needs: [${Array.from({ length: fanout }, (_, i) => `fan${i}`).join(', ')}], image: box, command: "${command}" }`);
  // `group`: the chain's links run one after another in one allocation (shifterflow's group:).
  const grouped = group ? `, group: ${group}` : '';
  for (let i = 0; i < chain; i++) lines.push(`  link${i}: { needs: [${i === 0 ? 'join' : `link${i - 1}`}]${grouped}, image: box, command: "${command}" }`);
  return lines.join('\n') + '\n';
}

/** One rule per job; each job runs `command` then touches its marker file in done/. */
export function snakefile({ fanout = 150, chain = 48, command = 'true' } = {}) {
  const rule = (name, inputs, out) => [`rule ${name}:`, ...(inputs.length ? [`    input: ${inputs.map((f) => JSON.stringify(f)).join(', ')}`] : []), `    output: ${JSON.stringify(out)}`, `    shell: ${JSON.stringify(`${command} && touch {output}`)}`, ''];
  const last = chain > 0 ? `done/link${chain - 1}` : 'done/join';
  const s = [`rule all:`, `    input: ${JSON.stringify(last)}`, '', ...rule('root', [], 'done/root')];
  for (let i = 0; i < fanout; i++) s.push(...rule(`fan${i}`, ['done/root'], `done/fan${i}`));
  s.push(...rule('join', Array.from({ length: fanout }, (_, i) => `done/fan${i}`), 'done/join'));
  for (let i = 0; i < chain; i++) s.push(...rule(`link${i}`, [i === 0 ? 'done/join' : `done/link${i - 1}`], `done/link${i}`));
  return s.join('\n');
}
