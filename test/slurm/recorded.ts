// Output recorded from Slurm 22.05 on the test cluster (test/cluster), as the test user, with the exact
// commands the executor runs. Kept verbatim: the parsers are tested against what Slurm really prints.

/** sacct -n -P --jobs=5,6,7,8 --format=JobIDRaw,JobID,State,ExitCode,NodeList,Submit,Start,End,ElapsedRaw,Reason
 *  5 ok, 6 `exit 3`, 7 a 4-task array (afterok:5), 8 cancelled by its user while running. */
export const SACCT_MIXED = `5|5|COMPLETED|0:0|n1|2026-11-22T01:22:02|2026-11-22T01:22:03|2026-11-22T01:22:05|2|None
5.batch|5.batch|COMPLETED|0:0|n1|2026-11-22T01:22:03|2026-11-22T01:22:03|2026-11-22T01:22:05|2|
6|6|FAILED|3:0|n1|2026-11-22T01:22:02|2026-11-22T01:22:03|2026-11-22T01:22:03|0|None
6.batch|6.batch|FAILED|3:0|n1|2026-11-22T01:22:03|2026-11-22T01:22:03|2026-11-22T01:22:03|0|
8|8|CANCELLED by 5000|0:0|n1|2026-11-22T01:22:02|2026-11-22T01:22:03|2026-11-22T01:22:04|1|None
8.batch|8.batch|CANCELLED|0:15|n1|2026-11-22T01:22:03|2026-11-22T01:22:03|2026-11-22T01:22:04|1|
9|7_0|COMPLETED|0:0|n1|2026-11-22T01:22:02|2026-11-22T01:22:05|2026-11-22T01:22:06|1|Dependency
9.batch|7_0.batch|COMPLETED|0:0|n1|2026-11-22T01:22:05|2026-11-22T01:22:05|2026-11-22T01:22:06|1|
10|7_1|COMPLETED|0:0|n1|2026-11-22T01:22:02|2026-11-22T01:22:05|2026-11-22T01:22:06|1|Dependency
10.batch|7_1.batch|COMPLETED|0:0|n1|2026-11-22T01:22:05|2026-11-22T01:22:05|2026-11-22T01:22:06|1|
11|7_2|COMPLETED|0:0|n1|2026-11-22T01:22:02|2026-11-22T01:22:05|2026-11-22T01:22:06|1|Dependency
11.batch|7_2.batch|COMPLETED|0:0|n1|2026-11-22T01:22:05|2026-11-22T01:22:05|2026-11-22T01:22:06|1|
7|7_3|COMPLETED|0:0|n1|2026-11-22T01:22:02|2026-11-22T01:22:05|2026-11-22T01:22:06|1|Dependency
7.batch|7_3.batch|COMPLETED|0:0|n1|2026-11-22T01:22:05|2026-11-22T01:22:05|2026-11-22T01:22:06|1|
`;

/** A throttled array 59 (`--array=0-5%2`) with two tasks done and the rest pending in one row, and
 *  job 60 whose script killed itself with SIGKILL. */
export const SACCT_ARRAY_RUNNING = `60|60|FAILED|0:9|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:00|0|None
60.batch|60.batch|CANCELLED|0:9|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:00|0|
61|59_0|COMPLETED|0:0|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:03|3|None
61.batch|59_0.batch|COMPLETED|0:0|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:03|3|
62|59_1|COMPLETED|0:0|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:03|3|None
62.batch|59_1.batch|COMPLETED|0:0|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:03|3|
59|59_[2-5%2]|PENDING|0:0|None assigned|2026-11-22T01:28:00|Unknown|Unknown|0|JobArrayTaskLimit
`;

/** A held array 12 (`--array=0-2 --hold`), task 1 released and run, then the array cancelled. */
export const SACCT_PENDING_ARRAY_CANCELLED = `13|12_1|COMPLETED|0:0|n1|2026-11-22T01:22:22|2026-11-22T01:22:24|2026-11-22T01:22:25|1|JobHeldUser
13.batch|12_1.batch|COMPLETED|0:0|n1|2026-11-22T01:22:24|2026-11-22T01:22:24|2026-11-22T01:22:25|1|
12|12_[0,2]|CANCELLED by 5000|0:0|None assigned|2026-11-22T01:22:22|None|2026-11-22T01:22:27|0|JobHeldUser
`;

/** 16: afterok on a failed job with --kill-on-invalid-dep=yes; 17: --chdir=/nonexistent. */
export const SACCT_NEVER_RAN = `16|16|CANCELLED|0:0|None assigned|2026-11-22T01:23:07|2026-11-22T01:23:07|2026-11-22T01:23:07|0|None
17|17|FAILED|0:53|n1|2026-11-22T01:23:07|2026-11-22T01:23:07|2026-11-22T01:23:07|0|None
17.batch|17.batch|CANCELLED|0:53|n1|2026-11-22T01:23:07|2026-11-22T01:23:07|2026-11-22T01:23:07|0|
`;

/** squeue -h -t all --jobs=59,60 -o '%i|%T|%N|%V|%S|%e|%M|%r' at the same moment as SACCT_ARRAY_RUNNING
 *  (the controller is ahead of the database: tasks 2 and 3 already run). */
export const SQUEUE_STATUS = `59_0|COMPLETED|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:03|0:03|None
59_1|COMPLETED|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:03|0:03|None
60|FAILED|n1|2026-11-22T01:28:00|2026-11-22T01:28:00|2026-11-22T01:28:00|0:00|JobLaunchFailure
59_[4-5%2]|PENDING||2026-11-22T01:28:00|N/A|N/A|0:00|JobArrayTaskLimit
59_2|RUNNING|n1|2026-11-22T01:28:00|2026-11-22T01:28:03|NONE|0:01|None
59_3|RUNNING|n1|2026-11-22T01:28:00|2026-11-22T01:28:03|NONE|0:01|None
`;

/** squeue --me -h -t all -o '%i|%k' (job 4 was submitted without a comment). */
export const SQUEUE_COMMENTS = `8|sf run1 long|x
1|(null)
5|sf:run1:ok
7_0|sf:run1:arr
7_1|sf:run1:arr
7_2|sf:run1:arr
7_3|sf:run1:arr
6|sf:run1:fail
12_[0-2]|sf:held
4|(null)
`;

export const SBATCH_INVALID_QOS = 'sbatch: error: Batch job submission failed: Invalid qos specification\n';
/** From docs/shifter.md: refusals by the Shifter SPANK plugin at submission. */
export const SBATCH_NO_IMAGE = 'sbatch: error: Failed to lookup image.  Aborting.\n';
export const SBATCH_BAD_VOLUME = 'Invalid Volume Map: $HOME/va:/output, aborting!\nsbatch: error: Failed to parse or invalid/disallowed volume map request\n';
/** Slurm's wording for an unreachable or overloaded controller. */
export const SBATCH_TIMEOUT = 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n';
export const SBATCH_NO_CONTROLLER = 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n';
export const SQUEUE_NO_CONTROLLER = 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n';
export const SACCT_NO_DBD =
  'sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:127.0.0.1:6819: Connection refused\n' +
  'sacct: error: Sending PersistInit msg: Connection refused\nsacct: error: Problem talking to the database: Connection refused\n';
export const SQUEUE_INVALID_ID = 'slurm_load_jobs error: Invalid job id specified\n';

/** scontrol update of tasks that are no longer pending (Slurm 22.05; the JobId was 3595_[3,5]). */
export const SCONTROL_UPDATE_GONE = '3595_3,5: Invalid job id specified\n';
export const SCONTROL_NO_CONTROLLER = 'slurm_update error: Unable to contact slurm controller (connect failure)\n';
