// Every diagnostic code shifterflow emits, with its default severity and the rule behind it. The
// `rule` text is what hover shows and what docs list; codes are stable: never renumber, only add.

import type { Severity } from './diagnostic';

export interface CodeInfo {
  severity: Severity;
  title: string;
  rule: string;
}

export const CODES = {
  // The file itself
  SF001: { severity: 'error', title: 'YAML syntax error', rule: 'The file must be valid YAML.' },
  SF002: { severity: 'error', title: 'unknown key', rule: 'Only the keys the schema lists are allowed; a typo would otherwise be ignored silently.' },
  SF003: { severity: 'error', title: 'invalid value', rule: 'Values must have the type and form the schema gives.' },
  SF004: { severity: 'error', title: 'missing key', rule: 'Required keys must be present.' },
  SF005: { severity: 'error', title: 'duplicate key', rule: 'A key may appear once in a mapping; YAML would keep only one of them.' },
  SF006: { severity: 'error', title: 'invalid name', rule: 'Workflow, job, step, image and volume names are letters, digits and . _ -: they become Slurm job names and file names.' },

  // Images
  SF010: { severity: 'error', title: 'invalid image reference', rule: 'Shifter images are TYPE:NAME:VERSION with TYPE docker, custom, id or local, and a name to pull. Shifter silently drops characters it does not keep (\'@\' everywhere, \'/\' in custom and id names), so such a reference would pull another image.' },
  SF011: { severity: 'warning', title: 'image without version', rule: 'A docker image without a version means :latest, which changes under you; pin a version.' },
  SF012: { severity: 'error', title: 'reserved volume target', rule: 'Shifter reserves /etc, /var (but /var/tmp), /opt/udiImage, /opt itself, /dev and /proc inside the image.' },
  SF013: { severity: 'error', title: 'relative volume path', rule: 'Volume sources and targets must be absolute paths.' },
  SF014: { severity: 'error', title: '.. in volume path', rule: 'Shifter refuses volume paths containing `..`.' },
  SF015: { severity: 'error', title: 'character Shifter drops', rule: 'Shifter silently removes every character outside [A-Za-z0-9_:.+-/] from volume paths, so the mount would go elsewhere.' },
  SF016: { severity: 'error', title: 'variable in #SBATCH line', rule: 'Environment variables such as $HOME or $SCRATCH are not expanded in #SBATCH directives; sbatch refuses the volume map.' },
  SF017: { severity: 'error', title: '/project path', rule: 'Project space must be written /global/project/... inside Shifter images.' },
  SF018: { severity: 'error', title: 'trailing slash in target', rule: 'Shifter fails on a volume target ending in /.' },
  SF019: { severity: 'warning', title: 'deep volume target', rule: 'A missing volume target is created only if its parent exists in the image (one level).' },
  SF020: { severity: 'error', title: 'perNodeCache option', rule: 'perNodeCache takes size=N[,bs=N][,fs=xfs][,method=loop]; only xfs and loop exist.' },
  SF021: { severity: 'warning', title: 'perNodeCache across steps', rule: 'perNodeCache data survives from one step to the next only in --exclusive jobs; shared jobs get a new empty one per srun.' },
  SF022: { severity: 'error', title: 'volume source off site file systems', rule: "Volume sources must lie on the site's file systems mounted on the compute nodes; elsewhere every step fails with FAILED to find real path." },
  SF023: { severity: 'error', title: 'duplicate volume target', rule: 'Two volumes of one job cannot be mounted at the same target.' },
  SF024: { severity: 'warning', title: 'private image without ACL', rule: 'An image from a private registry pulled without users/groups becomes visible to every user of the system.' },
  SF025: { severity: 'error', title: 'volume without image', rule: 'Shifter volumes need an image: sbatch refuses --volume without --image.' },

  // References and the DAG
  SF030: { severity: 'error', title: 'unknown image alias', rule: 'An image name that is not a reference must be an alias from images:.' },
  SF031: { severity: 'error', title: 'unknown volume', rule: 'Jobs may only mount volumes defined under volumes:.' },
  SF032: { severity: 'error', title: 'unknown job in needs', rule: 'needs: must name jobs of this workflow.' },
  SF033: { severity: 'error', title: 'dependency cycle', rule: 'needs: must not form a cycle; Slurm would never start these jobs.' },
  SF034: { severity: 'error', title: 'duplicate name', rule: 'Step names must be unique within a job.' },
  SF035: { severity: 'error', title: 'unknown matrix variable', rule: '${{ matrix.NAME }} must name a key of the job matrix.' },
  SF036: { severity: 'error', title: 'command or steps', rule: 'A job runs either one command or a list of steps, and needs one of them: Shifter does not run the image ENTRYPOINT.' },
  SF037: { severity: 'error', title: 'no image', rule: 'Every job needs an image: its own, one in defaults, or one per step.' },

  // Slurm and site rules
  SF040: { severity: 'warning', title: 'MPI module', rule: "MPI images built on plain MPICH need --module=mpich to use the site's MPI; images with their own MPI must not get it." },
  SF041: { severity: 'error', title: 'jgi qos without exclusive', rule: 'In the jgi qos, Spark needs #SBATCH --exclusive.' },
  SF042: { severity: 'error', title: 'shared qos on several nodes', rule: 'The shared qos runs on part of one node; ask for one node or use another qos.' },
  SF043: { severity: 'warning', title: 'workdir not writable', rule: 'The image is read-only and root is squashed: the working directory should be a mounted volume or a site file system.' },
  SF044: { severity: 'error', title: 'step larger than job', rule: 'A step cannot use more nodes than the job has.' },
  SF045: { severity: 'error', title: 'inconsistent task counts', rule: 'tasks must equal nodes x tasksPerNode when all three are given.' },
  SF046: { severity: 'error', title: 'unsafe value', rule: 'Values that reach a shell or an #SBATCH line may not contain newlines or NUL; names may not contain shell metacharacters.' },
  SF047: { severity: 'warning', title: 'last step in background', rule: 'A background step is only useful when later steps run beside it; the script waits for it anyway.' },
  SF048: { severity: 'warning', title: 'several tasks on a shared qos', rule: 'On a shared qos a serial job runs without srun; asking it for several tasks starts the command that many times through srun, which is rarely what a serial job means.' },
  SF049: { severity: 'error', title: 'group is not a chain', rule: 'The jobs of a group run one after another in one allocation: one first job, then each job needing the one before it, and no job outside the group between two of its jobs.' },
  SF050: { severity: 'error', title: 'matrix job in a group', rule: 'A job with a matrix is a job array and cannot run inside a group\'s allocation.' },
  SF051: { severity: 'error', title: 'file not visible in the image', rule: 'A declared input or output must be where the job can see it inside its image: under the source of one of its volumes, or on a site file system of the profile.' },
  SF052: { severity: 'error', title: 'output not writable', rule: 'An output must be written where the job can write: not under a readOnly volume, and not inside the image (images are read-only).' },
  SF053: { severity: 'error', title: 'output declared twice', rule: 'Two jobs (or two elements of one matrix) must not write the same output: which one\'s result would a reader get?' },
  SF054: { severity: 'error', title: 'cycle through files', rule: 'A job that reads another job\'s output waits for it; those waits must not form a cycle.' },
  SF055: { severity: 'error', title: 'undeclared file reference', rule: '${{ inputs.NAME }} and ${{ outputs.NAME }} must name an entry of the job\'s inputs: or outputs:.' },
  SF056: { severity: 'error', title: 'input missing', rule: 'An input no job of the run writes must exist when the run starts.' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export function codeInfo(code: string): CodeInfo | undefined {
  return (CODES as Record<string, CodeInfo>)[code];
}
