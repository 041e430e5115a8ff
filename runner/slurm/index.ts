// Slurm client: the executor and the pieces it is made of (each usable and tested on its own).

export { ExecFileRunner, mergeEnv, describeFailure, type CommandRunner, type CommandResult, type RunOptions } from './command-runner';
export { SlurmExecutor, type SlurmExecutorOptions, type SlurmCallCounts, type SlurmCommand, type RetryInfo } from './slurm-executor';
export { SlurmSubmitError, SlurmCommandError, SlurmUnavailableError, isTransientSlurmError, TRANSIENT_PATTERNS } from './errors';
export { sbatchArgv, parseSbatchOutput, type SbatchAnswer } from './sbatch';
export { sacctArgv, parseSacct, parseExitCode, SACCT_FIELDS } from './sacct';
export { squeueStatusArgv, squeueCommentArgv, parseSqueueStatus, parseSqueueComments, parseDuration } from './squeue';
export { parseJobId, expandArrayRange, type ParsedJobId } from './job-id';
export { Backoff, DEFAULT_RETRY, realClock, type Clock, type RetryPolicy } from './retry';
