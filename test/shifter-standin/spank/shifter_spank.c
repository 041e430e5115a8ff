/*
 * shifter_spank.c -- SPANK plugin of the Shifter stand-in (test infrastructure of shifterflow).
 *
 * Does what Shifter's own Slurm plugin (wlm_integration/slurm/shifterSpank.c) does for users:
 *   - adds --image, --volume and --module to sbatch, salloc and srun; a repeated option REPLACES the
 *     previous value (Slurm calls the callback once per occurrence, the last one wins);
 *   - validates --volume with Shifter's rules as soon as it is given (sbatch/salloc/srun):
 *       "Invalid Volume Map: ..., aborting!" then
 *       "sbatch: error: Failed to parse or invalid/disallowed volume map request: ..." (exit 1);
 *   - at submission (allocator context: sbatch, salloc) only:
 *       --volume without --image  -> "Cannot specify shifter volumes without specifying the image first!"
 *       --module with an unknown module -> "Unknown shifter module: foo"
 *       looks the image up ONCE (shifterimg lookup, as the submitting user) and pins its id for the
 *       whole job; an image that is not READY -> "Failed to lookup image.  Aborting." (exit 255);
 *       exports SHIFTER_IMAGE=<id>, SHIFTER_IMAGETYPE=id, SHIFTER_IMAGEREQUEST=<as given>,
 *       SHIFTER_VOLUME, SHIFTER_MODULE, SHIFTER_GID into the job's environment (the submitting
 *       process's environment, which sbatch/salloc pass on) and into the job control environment
 *       (which Slurm hands to every task as SLURM_SPANK_SHIFTER_*), so `shifter cmd` in the job uses
 *       the job's image;
 *   - srun's own --image/--volume/--module (local context) are accepted and ignored, as with the real
 *     plugin: inside an allocation the job's image is used; outside one no image reaches the task;
 *   - job epilog (slurmd, as root, on each node): removes the job's persistent perNodeCache
 *     directories (<cachedir>/shifter-standin-pnc-<uid>/job_<jobid>).
 *
 * plugstack.conf line (written by ../install.sh):
 *   required /path/shifter_spank.so standin=/path/to/test/shifter-standin conf=/path/udiRoot.conf cachedir=/tmp
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <slurm/spank.h>

SPANK_PLUGIN(shifter, 1);

static char *opt_image = NULL;
static char *opt_volume = NULL;
static char *opt_module = NULL;

static char *cfg_standin = NULL;
static char *cfg_conf = NULL;
static char *cfg_cachedir = NULL;

static int replace_opt(char **dst, const char *val)
{
	free(*dst);
	*dst = (val != NULL) ? strdup(val) : NULL;
	return 0;
}

/* Run a helper with its stdout captured into out (stderr passes through to the user). */
static int run_helper(char *const argv[], char *out, size_t outlen)
{
	int pfd[2];
	pid_t pid;
	size_t n = 0;
	int status = 0;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (pipe(pfd) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[1]);
		if (cfg_conf != NULL)
			setenv("SHIFTER_STANDIN_CONF", cfg_conf, 1);
		execv(argv[0], argv);
		fprintf(stderr, "shifter plugin: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char buf[512];
		ssize_t r = read(pfd[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out != NULL && n + 1 < outlen) {
			size_t take = (size_t) r;
			if (take > outlen - 1 - n)
				take = outlen - 1 - n;
			memcpy(out + n, buf, take);
			n += take;
			out[n] = '\0';
		}
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128;
}

static char *helper_path(const char *rel)
{
	char *p = NULL;
	if (cfg_standin == NULL)
		return NULL;
	if (asprintf(&p, "%s/%s", cfg_standin, rel) < 0)
		return NULL;
	return p;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* validate a volume map with the shared implementation (libexec/shifter-check volume SPEC) */
static int volume_ok(const char *spec)
{
	char *prog = helper_path("libexec/shifter-check");
	char *argv[] = { prog, "volume", (char *) spec, NULL };
	int rc;
	if (prog == NULL)
		return 0;
	rc = run_helper(argv, NULL, 0);
	free(prog);
	return rc == 0;
}

static int cb_image(int val, const char *optarg, int remote)
{
	(void) val;
	(void) remote;
	if (optarg == NULL || optarg[0] == '\0') {
		slurm_error("Invalid image - must not be zero length");
		return -1;
	}
	return replace_opt(&opt_image, optarg);
}

static int cb_volume(int val, const char *optarg, int remote)
{
	(void) val;
	if (optarg == NULL || optarg[0] == '\0') {
		slurm_error("Invalid image volume options - if specified, must not be zero length");
		return -1;
	}
	if (!remote && !volume_ok(optarg)) {
		slurm_error("Failed to parse or invalid/disallowed volume map request: %s", optarg);
		exit(1);
	}
	return replace_opt(&opt_volume, optarg);
}

static int cb_module(int val, const char *optarg, int remote)
{
	(void) val;
	(void) remote;
	return replace_opt(&opt_module, optarg);
}

/* Registered with spank_option_register() from slurm_spank_init(): Slurm ignores a static
 * spank_options table in allocator context (sbatch, salloc). */
static struct spank_option shifter_opts[] = {
	{ "image", "image", "shifter image to use", 1, 0, (spank_opt_cb_f) cb_image },
	{ "volume", "volume", "shifter image bindings", 1, 0, (spank_opt_cb_f) cb_volume },
	{ "module", "module", "shifter module(s) to load", 1, 0, (spank_opt_cb_f) cb_module },
	SPANK_OPTIONS_TABLE_END
};

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	int i;
	spank_context_t ctx = spank_context();
	for (i = 0; i < ac; i++) {
		if (strncmp(av[i], "standin=", 8) == 0)
			replace_opt(&cfg_standin, av[i] + 8);
		else if (strncmp(av[i], "conf=", 5) == 0)
			replace_opt(&cfg_conf, av[i] + 5);
		else if (strncmp(av[i], "cachedir=", 9) == 0)
			replace_opt(&cfg_cachedir, av[i] + 9);
		else
			slurm_error("shifter plugin: unknown argument %s", av[i]);
	}
	if (cfg_cachedir == NULL)
		cfg_cachedir = strdup("/tmp");
	if (ctx == S_CTX_LOCAL || ctx == S_CTX_ALLOCATOR || ctx == S_CTX_REMOTE) {
		struct spank_option *o;
		for (o = shifter_opts; o->name != NULL; o++) {
			if (spank_option_register(sp, o) != ESPANK_SUCCESS) {
				slurm_error("shifter plugin: cannot register option --%s", o->name);
				return -1;
			}
		}
	}
	return ESPANK_SUCCESS;
}

/* export NAME=VALUE to the job: the allocator's own environment (propagated by sbatch/salloc) and
 * the job control environment (SLURM_SPANK_NAME in every task, SPANK_NAME in prolog/epilog) */
static void job_setenv(spank_t sp, const char *name, const char *value)
{
	setenv(name, value, 1);
	if (spank_job_control_setenv(sp, name, value, 1) != ESPANK_SUCCESS)
		slurm_debug("shifter plugin: spank_job_control_setenv(%s) failed", name);
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	char out[4096];
	char gidbuf[32];
	(void) ac;
	(void) av;

	if (spank_context() != S_CTX_ALLOCATOR)
		return ESPANK_SUCCESS;

	if (opt_volume != NULL && opt_volume[0] != '\0' && (opt_image == NULL || opt_image[0] == '\0')) {
		slurm_error("Cannot specify shifter volumes without specifying the image first!");
		exit(-1);
	}
	if (opt_module != NULL) {
		char *prog = helper_path("libexec/shifter-check");
		char *argv[] = { prog, "module", opt_module, NULL };
		int rc = (prog != NULL) ? run_helper(argv, out, sizeof(out)) : -1;
		free(prog);
		if (rc != 0) {
			trim(out);
			slurm_error("Unknown shifter module: %s", out[0] ? out : opt_module);
			exit(-1);
		}
	}
	if (opt_image == NULL || opt_image[0] == '\0')
		return ESPANK_SUCCESS;

	{
		char *prog = helper_path("bin/shifterimg");
		char *argv[] = { prog, "lookup", opt_image, NULL };
		int rc = (prog != NULL) ? run_helper(argv, out, sizeof(out)) : -1;
		size_t k;
		free(prog);
		trim(out);
		for (k = 0; out[k] != '\0'; k++) {
			if (!((out[k] >= '0' && out[k] <= '9') || (out[k] >= 'a' && out[k] <= 'f')))
				break;
		}
		if (rc != 0 || out[0] == '\0' || out[k] != '\0') {
			slurm_error("Failed to lookup image.  Aborting.");
			exit(-1);
		}
	}
	job_setenv(sp, "SHIFTER_IMAGE", out);
	job_setenv(sp, "SHIFTER_IMAGETYPE", "id");
	job_setenv(sp, "SHIFTER_IMAGEREQUEST", opt_image);
	if (opt_volume != NULL && opt_volume[0] != '\0')
		job_setenv(sp, "SHIFTER_VOLUME", opt_volume);
	if (opt_module != NULL)
		job_setenv(sp, "SHIFTER_MODULE", opt_module);
	if (getgid() != 0) {
		snprintf(gidbuf, sizeof(gidbuf), "%u", (unsigned) getgid());
		job_setenv(sp, "SHIFTER_GID", gidbuf);
	}
	return ESPANK_SUCCESS;
}

/* slurmd, as root, once per node at the end of the job: drop persistent perNodeCache directories */
int slurm_spank_job_epilog(spank_t sp, int ac, char **av)
{
	const char *jid = getenv("SLURM_JOB_ID");
	char jidbuf[32];
	DIR *d;
	struct dirent *e;
	(void) ac;
	(void) av;

	if (jid == NULL) {
		uint32_t id = 0;
		if (spank_get_item(sp, S_JOB_ID, &id) != ESPANK_SUCCESS)
			return ESPANK_SUCCESS;
		snprintf(jidbuf, sizeof(jidbuf), "%u", id);
		jid = jidbuf;
	}
	if (cfg_cachedir == NULL || (d = opendir(cfg_cachedir)) == NULL)
		return ESPANK_SUCCESS;
	while ((e = readdir(d)) != NULL) {
		char *path = NULL;
		struct stat st;
		if (strncmp(e->d_name, "shifter-standin-pnc-", 20) != 0)
			continue;
		if (asprintf(&path, "%s/%s/job_%s", cfg_cachedir, e->d_name, jid) < 0)
			continue;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			char *argv[] = { "/bin/rm", "-rf", "--one-file-system", path, NULL };
			run_helper(argv, NULL, 0);
		}
		free(path);
	}
	closedir(d);
	return ESPANK_SUCCESS;
}

/* No-op, but it makes slurmd keep this plugin in its own (S_CTX_SLURMD) stack, from which it decides
 * whether SPANK job prologs/epilogs exist at all. */
int slurm_spank_slurmd_exit(spank_t sp, int ac, char **av)
{
	(void) sp;
	(void) ac;
	(void) av;
	return ESPANK_SUCCESS;
}

int slurm_spank_exit(spank_t sp, int ac, char **av)
{
	(void) sp;
	(void) ac;
	(void) av;
	free(opt_image);
	free(opt_volume);
	free(opt_module);
	opt_image = opt_volume = opt_module = NULL;
	return ESPANK_SUCCESS;
}
