// The local runtime's `shifter`: Shifter's command line, run through the local engine the run chose
// (SF_LOCAL_ENGINE), with the image the run prepared (SF_LOCAL_IMAGES). It reproduces what Shifter
// does before it starts a command — reads the volume map and refuses what Shifter refuses, builds the
// environment, picks the working directory — in an engine-neutral ContainerSpec, then hands it to the
// engine. Messages follow Shifter's where docs/shifter.md gives them.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { normalizeImageRef } from '../images/image-ref';
import { containerEnvironment, parseAssignment } from './container-env';
import { commandArgv, mountedPath, siteMount, systemMounts, type ContainerSpec, type Mount } from './container-spec';
import { ContainerSetupError, LOCAL_ENGINES, isLocalEngineName } from './engines';
import { reachable } from './host-access';
import { EMPTY_CONFIG, readPreparedImages, type PreparedImage } from './prepared-images';
import { containerUser, RunAsError, type ContainerUser } from './run-as';
import { scratchDir } from './scratch';
import { localSettings } from './settings';
import { parseShifterArgs, type ShifterArgs } from './shifter-args';
import { siteEtcContents, writeSiteEtc } from './site-etc';
import { passwdByUid } from './users';
import { checkSources, parseVolumeMap } from './volume-map';

export { parseShifterArgs, type ShifterArgs } from './shifter-args';

class Exit extends Error {
  constructor(readonly code: number, message?: string) {
    super(message);
  }
}

function lookupImage(request: string, engine: string, env: NodeJS.ProcessEnv): PreparedImage {
  if (engine === 'none') return { ref: request, engine: 'none', id: request, handle: '', config: EMPTY_CONFIG };
  let ref: string;
  try {
    ref = normalizeImageRef(request);
  } catch (e) {
    throw new Exit(1, `${(e as Error).message}`);
  }
  const file = env.SF_LOCAL_IMAGES;
  const images = file ? readPreparedImages(file) : new Map<string, PreparedImage>();
  const image = images.get(ref);
  if (!image) throw new Exit(1, `FAILED to lookup docker image ${ref}: this run prepared ${[...images.keys()].join(', ') || 'no image'} (images are pulled before a run starts)`);
  return image;
}

function readEnvFiles(files: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new Exit(1, `FAILED to read environment file ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const kv = parseAssignment(line);
      if (!kv) throw new Exit(1, `Invalid environment variable in ${f}: ${line}`);
      out.push(kv);
    }
  }
  return out;
}

function ownUser(): ContainerUser {
  const uid = process.getuid?.() ?? 0;
  const p = passwdByUid(uid);
  return { uid, gid: process.getgid?.() ?? 0, name: p?.name ?? `uid${uid}`, home: p?.home ?? '/', shell: p?.shell ?? '/bin/sh', substituted: false };
}

/** Runs the command; resolves with the exit status to leave with. */
export async function runShifter(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const cleanups: (() => void)[] = [];
  try {
    let args: ShifterArgs;
    try {
      args = parseShifterArgs(argv);
    } catch (e) {
      throw new Exit(1, (e as Error).message);
    }
    const request = args.image ?? env.SHIFTER_IMAGEREQUEST;
    if (!request) throw new Exit(1, 'No image specified, or specified incorrectly! (--image, or #SBATCH --image in the batch script)');
    const engineName = env.SF_LOCAL_ENGINE ?? 'none';
    if (!isLocalEngineName(engineName)) throw new Exit(1, `shifter: unknown local engine ${engineName}`);
    const engine = LOCAL_ENGINES[engineName];
    const settings = localSettings(env);
    const image = lookupImage(request, engineName, env);

    // The first --volume on the command line discards the job's (SHIFTER_VOLUME), as in Shifter.
    const volumeText = args.volumes.length > 0 ? args.volumes.join(';') : (env.SHIFTER_VOLUME ?? '');
    const parsed = parseVolumeMap(volumeText);
    const volumeErrors = parsed.ok ? checkSources(parsed.entries) : parsed.errors;
    if (volumeErrors.length > 0) throw new Exit(1, `${volumeErrors.join('\n')}\nFAILED to setup user-requested mounts.`);
    const volumes = parsed.ok ? parsed.entries : [];

    const fileEnv = readEnvFiles(args.envFiles);
    const optionEnv = args.env.map((e) => {
      const kv = parseAssignment(e);
      if (!kv) throw new Exit(1, `Invalid environment variable specification: ${e} (expected NAME=VALUE)`);
      return kv;
    });

    let user: ContainerUser;
    try {
      user = engineName === 'none' ? ownUser() : containerUser(process.getuid?.() ?? 0, process.getgid?.() ?? 0, settings.user);
    } catch (e) {
      if (e instanceof RunAsError) throw new Exit(1, e.message);
      throw e;
    }

    const mounts: Mount[] = [];
    let etc: Record<string, string> = {};
    if (engineName !== 'none') {
      const written = writeSiteEtc(siteEtcContents(user));
      cleanups.push(written.remove);
      etc = written.files;
      mounts.push(...systemMounts());
      const site = siteMount(env.SLURM_SUBMIT_DIR);
      if (site && reachable(site.source, user.uid, user.gid)) mounts.push(site);
      for (const v of volumes) {
        if (v.perNodeCache) {
          const s = scratchDir({ root: env.SF_LOCAL_SCRATCH, jobId: env.SLURM_JOB_ID, exclusive: env.SF_LOCAL_EXCLUSIVE === '1', target: v.target, uid: user.uid, gid: user.gid });
          if (s.remove) cleanups.push(s.remove);
          mounts.push({ kind: 'scratch', source: s.path, target: v.target, readOnly: false });
        } else mounts.push({ kind: 'volume', source: v.source, target: v.target, readOnly: v.readOnly });
      }
    }

    const base: Omit<ContainerSpec, 'workdir' | 'argv'> = {
      image,
      user,
      etc,
      mounts,
      env: containerEnvironment({ host: env, clearenv: args.clearenv, user, imageEnv: image.config.env, fileEnv, optionEnv, imageId: image.id, imageRequest: request, dropFromPath: env.SF_LOCAL_LIBEXEC ? [env.SF_LOCAL_LIBEXEC] : [] }),
    };
    // Default: stay in the current directory; bare --workdir: the image's WORKDIR. Not visible: `/`.
    const cwd = process.cwd();
    const asked = args.workdir === true ? image.config.workdir || '/' : args.workdir;
    const wanted = asked ?? cwd;
    let seen: boolean | undefined;
    try {
      seen = engine.visible(wanted, base);
    } catch (e) {
      if (e instanceof ContainerSetupError) throw new Exit(1, e.message);
      throw e;
    }
    // A directory the user cannot enter is as good as missing (the runner may be root, the user not).
    const host = mountedPath(wanted, base.mounts);
    if (seen !== false && host !== undefined && !reachable(host, user.uid, user.gid)) seen = false;
    let workdir = wanted;
    if (seen === false || (asked === undefined && seen !== true)) {
      // On the host (engine none) `/` would be the host's root: stay where the job is instead.
      workdir = engineName === 'none' ? cwd : '/';
      process.stderr.write(`Failed to switch to working dir: ${wanted}, staying in ${workdir}\n`);
    }
    const spec: ContainerSpec = { ...base, workdir, argv: commandArgv(args.command, args.entrypoint, image.config) };

    let launch;
    try {
      launch = engine.launch(spec, settings);
    } catch (e) {
      if (e instanceof ContainerSetupError) throw new Exit(1, e.message);
      throw e;
    }
    if (args.verbose) process.stderr.write(`shifter: ${engineName}: ${JSON.stringify([launch.file, ...launch.args])}\n`);
    return await run(launch.file, launch.args, { env: launch.env ?? env, cwd: launch.cwd, uid: launch.uid, gid: launch.gid });
  } catch (e) {
    if (e instanceof Exit) {
      if (e.message) process.stderr.write(`${e.message}\n`);
      return e.code;
    }
    throw e;
  } finally {
    for (const c of cleanups) {
      try {
        c();
      } catch {
        // best effort: a temporary directory left behind is no reason to fail the step
      }
    }
  }
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 };

/** Starts the engine and waits; signals sent to `shifter` reach it, and cleanup still runs after. */
function run(file: string, args: string[], o: { env: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number }): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit', env: o.env, cwd: o.cwd, uid: o.uid, gid: o.gid });
    const forward = (sig: NodeJS.Signals) => () => {
      if (child.exitCode === null) child.kill(sig);
    };
    const handlers = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((sig) => [sig, forward(sig)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    child.on('error', (e: NodeJS.ErrnoException) => {
      process.stderr.write(`shifter: ${file}: ${e.code === 'ENOENT' ? 'No such file or directory' : e.message}\n`);
      resolve(e.code === 'ENOENT' ? 127 : 126);
    });
    child.on('exit', (code, signal) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve(code ?? 128 + (signal ? (SIGNALS[signal] ?? 15) : 1));
    });
  });
}

export function main(): void {
  runShifter(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`shifter: internal error: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
