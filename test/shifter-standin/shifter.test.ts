// The stand-in `shifter` runtime against the contract (docs/shifter.md: `shifter`, volume specs).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, fixture, Fixture, mkdirFor, pullAndWait, runAs, RunResult, startGateway, User } from './helpers';

describe('shifter stand-in: shifter runtime @standin', function () {
  this.timeout(60000);
  let f: Fixture;
  let busyboxId: string;
  let otherId: string;
  let data: string; // a directory on the site file system, owned by the test user
  let hidden: string; // a directory that exists on the host but not inside containers

  before(async function () {
    this.timeout(180000);
    f = await fixture();
    busyboxId = (await pullAndWait(f.gateway, 'standin/busybox:latest')).id;
    otherId = (await pullAndWait(f.gateway, 'standin/other:1.0')).id;
    data = mkdirFor(f.user, path.join(f.root, 'data'));
    fs.writeFileSync(path.join(data, 'input.txt'), 'input-data\n');
    fs.chmodSync(path.join(data, 'input.txt'), 0o644);
    fs.writeFileSync(path.join(f.root, 'a-file'), 'x');
    fs.chmodSync(path.join(f.root, 'a-file'), 0o644);
    hidden = fs.mkdtempSync('/var/lib/sfstandin-hidden-');
    fs.chmodSync(hidden, 0o755);
  });
  after(() => {
    if (hidden) fs.rmSync(hidden, { recursive: true, force: true });
  });

  const sh = (args: string[], opts: { user?: User | null; env?: Record<string, string>; cwd?: string } = {}): RunResult =>
    runAs(opts.user === undefined ? f.user : opts.user, BIN.shifter, args, {
      env: f.env(undefined, opts.env || {}),
      cwd: opts.cwd || data,
    });

  it('refuses to run as root', () => {
    const r = sh(['--image=standin/busybox', 'true'], { user: null });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^Failed to lookup username or attempted to run as root\.\n/m);
  });

  it('runs the command as the calling user, no PID namespace, exit status passed through', () => {
    const r = sh(['--image=standin/busybox', 'sh', '-c', 'id -u; id -un; cat /proc/1/comm >/dev/null && echo host-pids; exit 7']);
    assert.equal(r.status, 7, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(0, 3), [String(f.user.uid), f.user.name, 'host-pids']);
  });

  it('mounts the image read-only', () => {
    const r = sh(['--image=standin/busybox', 'sh', '-c', 'cat /etc/image-name; touch /new-file; touch /usr/x; touch /bin/x; echo done']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'busybox\ndone\n');
    assert.equal((r.stderr.match(/Read-only file system/g) || []).length, 3, r.stderr);
  });

  it("builds /etc from the image's /etc plus the site's passwd (caller only), group, hosts, resolv.conf, nsswitch.conf", () => {
    const r = sh([
      '--image=standin/busybox',
      'sh',
      '-c',
      'cat /etc/passwd; echo ---; cat /etc/image-marker; echo ---; cat /etc/hosts; echo ---; cut -d: -f3 /etc/group; echo ---; ls /etc/nsswitch.conf /etc/resolv.conf; touch /etc/x',
    ]);
    const [passwd, marker, hosts, gids, files] = r.stdout.split('---\n');
    const me = fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[2] === String(f.user.uid));
    assert.equal(passwd, `${me}\n`, 'only the calling user');
    assert.equal(marker, 'image-marker\n', "the image's own /etc files are there");
    assert.equal(hosts, fs.readFileSync('/etc/hosts', 'utf8'), "the site's hosts, not the image's");
    assert.ok(gids.split('\n').includes(String(f.user.gid)));
    assert.match(files, /\/etc\/nsswitch.conf\n\/etc\/resolv.conf\n/);
    assert.match(r.stderr, /Read-only file system/);
  });

  it("builds /var itself (the image's /var is not used) with the host's /var/tmp; /tmp is the host's", () => {
    const mark = `sfstandin-${process.pid}-${Date.now()}`;
    fs.writeFileSync(`/tmp/${mark}`, 'from-host-tmp');
    fs.writeFileSync(`/var/tmp/${mark}`, 'from-host-var-tmp');
    try {
      const r = sh([
        '--image=standin/busybox',
        'sh',
        '-c',
        `ls -A /var; cat /tmp/${mark}; echo; cat /var/tmp/${mark}; echo; echo written > /tmp/${mark}.out`,
      ]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `tmp\nfrom-host-tmp\nfrom-host-var-tmp\n`);
      assert.equal(fs.readFileSync(`/tmp/${mark}.out`, 'utf8'), 'written\n');
    } finally {
      for (const p of [`/tmp/${mark}`, `/var/tmp/${mark}`, `/tmp/${mark}.out`]) fs.rmSync(p, { force: true });
    }
  });

  it('shows the site file systems and the home directory at the same paths', () => {
    const r = sh(['--image=standin/busybox', 'sh', '-c', `cat ${data}/input.txt; test -d "$HOME" && echo home-ok`], {
      env: { HOME: f.user.home },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^input-data\n/);
    if (fs.existsSync(f.user.home)) assert.match(r.stdout, /home-ok/);
  });

  it('sets SHIFTER_RUNTIME, SHIFTER_IMAGE (the id) and SHIFTER_IMAGEREQUEST (as requested)', () => {
    const r = sh(['--image=standin/busybox', 'sh', '-c', 'echo $SHIFTER_RUNTIME; echo $SHIFTER_IMAGE; echo $SHIFTER_IMAGEREQUEST']);
    assert.equal(r.stdout, `1\n${busyboxId}\nstandin/busybox\n`);
    const d = sh(['--image=docker:standin/other:1.0', 'sh', '-c', 'echo $SHIFTER_IMAGE $SHIFTER_IMAGEREQUEST']);
    assert.equal(d.stdout, `${otherId} docker:standin/other:1.0\n`);
  });

  it('environment: host < image ENV (PATH too) < --env-file < --env; --clearenv drops the host', () => {
    const envFile = path.join(data, 'vars.env');
    fs.writeFileSync(envFile, '# comment\nFOO=from-file\nFILEONLY=file\n\nBAR=from-file\n');
    fs.chmodSync(envFile, 0o644);
    const host = { FOO: 'from-host', HOSTONLY: 'host', PATH: '/host/bin:/usr/local/bin:/usr/bin:/bin' };
    const show = 'echo "FOO=$FOO BAR=$BAR FILEONLY=$FILEONLY HOSTONLY=$HOSTONLY IMGONLY=$IMGONLY PATH=$PATH"';
    const a = sh(['--image=standin/busybox', 'sh', '-c', show], { env: host });
    assert.equal(a.stdout, 'FOO=from-image BAR= FILEONLY= HOSTONLY=host IMGONLY=yes PATH=/usr/local/bin:/usr/bin:/bin\n');
    const b = sh(['--image=standin/busybox', `--env-file=${envFile}`, 'sh', '-c', show], { env: host });
    assert.equal(b.stdout, 'FOO=from-file BAR=from-file FILEONLY=file HOSTONLY=host IMGONLY=yes PATH=/usr/local/bin:/usr/bin:/bin\n');
    const c = sh(['--image=standin/busybox', '-e', 'FOO=from-opt', `--env-file=${envFile}`, '--env=BAR=opt2', 'sh', '-c', show], {
      env: host,
    });
    assert.equal(c.stdout, 'FOO=from-opt BAR=opt2 FILEONLY=file HOSTONLY=host IMGONLY=yes PATH=/usr/local/bin:/usr/bin:/bin\n');
    const d = sh(['--image=standin/busybox', '-E', 'sh', '-c', show], { env: host });
    assert.equal(d.stdout, 'FOO=from-image BAR= FILEONLY= HOSTONLY= IMGONLY=yes PATH=/usr/local/bin:/usr/bin:/bin\n');
    const e = sh(['--image=standin/busybox', '--clearenv', 'env'], { env: host });
    assert.deepEqual(
      e.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('=')[0])
        .filter((k) => k !== 'PWD' && k !== 'SHLVL')
        .sort(),
      ['FOO', 'IMGONLY', 'PATH', 'SHIFTER_IMAGE', 'SHIFTER_IMAGEREQUEST', 'SHIFTER_RUNTIME'],
    );
  });

  it('a malformed --env, --env-file line or a missing --env-file is an error (exit 1), nothing runs', () => {
    for (const args of [['-e', 'NOEQUALS'], ['--env=1BAD=x'], ['--env-file=/nonexistent/file']]) {
      const r = sh(['--image=standin/busybox', ...args, 'echo', 'ran']);
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stdout, '');
    }
    const bad = path.join(data, 'bad.env');
    fs.writeFileSync(bad, 'OK=1\nthis is not an assignment\n');
    fs.chmodSync(bad, 0o644);
    const r = sh(['--image=standin/busybox', `--env-file=${bad}`, 'echo', 'ran']);
    assert.equal(r.status, 1);
  });

  it('does not run the image ENTRYPOINT unless --entrypoint is given', () => {
    assert.equal(sh(['--image=standin/busybox', 'echo', 'plain']).stdout, 'plain\n');
    assert.equal(sh(['--image=standin/busybox', '--entrypoint']).stdout, 'ENTRYPOINT-RAN from-entrypoint\n');
    assert.equal(sh(['--image=standin/busybox', '--entrypoint', 'a', 'b']).stdout, 'ENTRYPOINT-RAN from-entrypoint a b\n');
    assert.equal(sh(['--image=standin/busybox', '--entrypoint=/bin/echo', 'x', 'y']).stdout, 'x y\n');
  });

  it('runs only its arguments, as words: shell syntax among them is text; /bin/sh -c reads it inside, with the task\'s SLURM_PROCID', () => {
    const words = ['$(cat /etc/image-name)', '>', '/nowhere', '|', 'tr', ';', '$SLURM_PROCID', '*'];
    const plain = sh(['--image=standin/busybox', 'echo', ...words], { env: { SLURM_PROCID: '3' } });
    assert.equal(plain.stdout, `${words.join(' ')}\n`, plain.stderr);
    const inside = sh(['--image=standin/busybox', '/bin/sh', '-c', 'echo "$(cat /etc/image-name) $SLURM_PROCID" | tr a-z A-Z > /tmp/.sf-standin-$$ && cat /tmp/.sf-standin-$$ && rm /tmp/.sf-standin-$$'], { env: { SLURM_PROCID: '3' } });
    assert.equal(inside.stdout, 'BUSYBOX 3\n', inside.stderr);
  });

  it('option parsing stops at the first non-option', () => {
    const r = sh(['--image=standin/busybox', 'echo', '--image=foo', '-V', '/x:/y', '--', 'z']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '--image=foo -V /x:/y -- z\n');
    const s = sh(['-i', 'standin/busybox', '--', 'echo', '-v']);
    assert.equal(s.stdout, '-v\n');
  });

  it('working directory: stays in the current directory when visible, else "staying in /"; -w alone = image WORKDIR', () => {
    assert.equal(sh(['--image=standin/busybox', 'pwd']).stdout, `${data}\n`);
    const h = sh(['--image=standin/busybox', 'pwd'], { cwd: hidden });
    assert.equal(h.stdout, '/\n');
    assert.equal(h.stderr, `Failed to switch to working dir: ${hidden}, staying in /\n`);
    assert.equal(sh(['--image=standin/busybox', '-w', 'pwd']).stdout, '/srv/work\n');
    assert.equal(sh(['--image=standin/busybox', '--workdir', 'pwd']).stdout, '/srv/work\n');
    assert.equal(sh(['--image=standin/busybox', '--workdir=/etc', 'pwd']).stdout, '/etc\n');
  });

  it('an unknown command exits 127', () => {
    const r = sh(['--image=standin/busybox', 'no-such-command']);
    assert.equal(r.status, 127);
    assert.match(r.stderr, /no-such-command: No such file or directory/);
  });

  it('an image that is not READY cannot be used; no image at all is an error', () => {
    const r = sh(['--image=standin/never-pulled:7', 'true']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^FAILED to lookup docker image standin\/never-pulled:7$/m);
    const n = sh(['true']);
    assert.equal(n.status, 1);
    assert.match(n.stderr, /^No image specified, or specified incorrectly!$/m);
  });

  it('takes the image from the job environment (SHIFTER_IMAGETYPE/SHIFTER_IMAGE or SLURM_SPANK_*), --image wins', () => {
    const env = { SHIFTER_IMAGETYPE: 'id', SHIFTER_IMAGE: otherId, SHIFTER_IMAGEREQUEST: 'docker:standin/other:1.0' };
    const a = sh(['sh', '-c', 'cat /etc/image-name; echo $SHIFTER_IMAGEREQUEST'], { env });
    assert.equal(a.stdout, 'other\ndocker:standin/other:1.0\n', a.stderr);
    const b = sh(['--image=standin/busybox', 'cat', '/etc/image-name'], { env });
    assert.equal(b.stdout, 'busybox\n');
    const c = sh(['cat', '/etc/image-name'], { env: { SLURM_SPANK_SHIFTER_IMAGETYPE: 'id', SLURM_SPANK_SHIFTER_IMAGE: otherId } });
    assert.equal(c.stdout, 'other\n', c.stderr);
  });

  describe('volumes', () => {
    it('binds a directory read-write, or read-only with :ro', () => {
      const w = sh(['--image=standin/busybox', `--volume=${data}:/data`, 'sh', '-c', 'cat /data/input.txt; echo out > /data/output.txt']);
      assert.equal(w.status, 0, w.stderr);
      assert.equal(w.stdout, 'input-data\n');
      assert.equal(fs.readFileSync(path.join(data, 'output.txt'), 'utf8'), 'out\n');
      const r = sh(['--image=standin/busybox', `-V`, `${data}:/data:ro`, 'sh', '-c', 'cat /data/input.txt; touch /data/x']);
      assert.equal(r.stdout, 'input-data\n');
      assert.match(r.stderr, /Read-only file system/);
    });

    it('joins repeated --volume with ";" and the first one discards SHIFTER_VOLUME', () => {
      const out = mkdirFor(f.user, path.join(f.root, 'out'));
      const env = { SHIFTER_VOLUME: `${out}:/fromenv` };
      const a = sh(['--image=standin/busybox', 'sh', '-c', 'test -d /fromenv && echo env-volume'], { env });
      assert.equal(a.stdout, 'env-volume\n', a.stderr);
      const b = sh(
        [
          '--image=standin/busybox',
          `-V`,
          `${data}:/in1`,
          `--volume=${data}:/in2;${out}:/in3`,
          'sh',
          '-c',
          'ls -d /in1 /in2 /in3; test -d /fromenv || echo no-env-volume',
        ],
        { env },
      );
      assert.equal(b.stdout, '/in1\n/in2\n/in3\nno-env-volume\n', b.stderr);
    });

    it('creates a missing target whose parent exists in the image; not deeper; never with a trailing /', () => {
      const top = sh(['--image=standin/busybox', `-V`, `${data}:/newtop`, 'cat', '/newtop/input.txt']);
      assert.equal(top.stdout, 'input-data\n', top.stderr);
      const one = sh(['--image=standin/busybox', `-V`, `${data}:/srv/work/sub`, 'sh', '-c', 'cat /srv/work/sub/input.txt; ls /srv/work']);
      assert.equal(one.stdout, 'input-data\nWORKDIR-FILE\nsub\n', one.stderr);
      const deep = sh(['--image=standin/busybox', `-V`, `${data}:/missing/deeper`, 'true']);
      assert.equal(deep.status, 1);
      assert.match(deep.stderr, /FAILED to create volume "to": \/missing\/deeper, cannot create mount points in that location/);
      assert.match(deep.stderr, /FAILED to setup user-requested mounts\./);
      const slash = sh(['--image=standin/busybox', `-V`, `${data}:/data/`, 'true']);
      assert.equal(slash.status, 1);
      assert.match(slash.stderr, /FAILED to setup user-requested mounts\./);
    });

    it('the source must exist, be a directory and be visible through the site file systems', () => {
      const missing = sh(['--image=standin/busybox', `-V`, `${f.root}/no-such-dir:/data`, 'echo', 'ran']);
      assert.equal(missing.status, 1);
      assert.equal(missing.stdout, '');
      assert.match(missing.stderr, new RegExp(`^FAILED to find real path for volume "from": ${f.root}/no-such-dir$`, 'm'));
      assert.match(missing.stderr, /^FAILED to setup user-requested mounts\.$/m);
      const file = sh(['--image=standin/busybox', `-V`, `${f.root}/a-file:/data`, 'true']);
      assert.equal(file.status, 1);
      assert.match(file.stderr, /^FAILED "from" location is not directory: /m);
      const notSite = sh(['--image=standin/busybox', `-V`, `${hidden}:/data`, 'true']);
      assert.equal(notSite.status, 1, 'exists on the host but not on a site file system');
      assert.match(notSite.stderr, new RegExp(`^FAILED to find real path for volume "from": ${hidden}$`, 'm'));
    });

    it('refuses reserved targets (/etc, /var prefix, /opt/udiImage, /opt) but allows /var/tmp', () => {
      for (const to of ['/etc/app', '/etc', '/var/lib/x', '/variables', '/opt/udiImage/x', '/opt']) {
        const r = sh(['--image=standin/busybox', `-V`, `${data}:${to}`, 'echo', 'ran']);
        assert.equal(r.status, 1, to);
        assert.doesNotMatch(r.stdout, /^ran$/m);
        assert.match(r.stderr, new RegExp(`^Invalid Volume Map: ${data}:${to}, aborting!$`, 'm'), to);
        assert.match(r.stderr, /^Failed to parse volume map options$/m);
      }
      const ok = sh(['--image=standin/busybox', `-V`, `${data}:/var/tmp`, 'cat', '/var/tmp/input.txt']);
      assert.equal(ok.stdout, 'input-data\n', ok.stderr);
      const opt = sh(['--image=standin/busybox', `-V`, `${data}:/opt/app`, 'cat', '/opt/app/input.txt']);
      assert.equal(opt.stdout, 'input-data\n', opt.stderr);
    });

    it('refuses relative paths, "..", unknown or repeated flags; "ro,perNodeCache=..." is ONE unknown flag', () => {
      for (const spec of [
        `data:/data`,
        `${data}:data`,
        `${data}/../data:/data`,
        `${data}:/data:rw`,
        `${data}:/data:ro:ro`,
        `${data}:/data:rec`,
      ]) {
        const r = sh(['--image=standin/busybox', `--volume=${spec}`, 'true']);
        assert.equal(r.status, 1, spec);
        assert.match(r.stderr, /Failed to parse volume map options/, spec);
      }
      const comma = sh(['--image=standin/busybox', `--volume=${data}:/data:ro,perNodeCache=size=1G`, 'true']);
      assert.equal(comma.status, 1);
      assert.match(comma.stderr, /^Unknown flag: ro,perNodeCache$/m);
    });

    it('silently removes characters outside [A-Za-z0-9_:.+-/] from the paths', () => {
      const clean = mkdirFor(f.user, path.join(f.root, 'withspace'));
      fs.writeFileSync(path.join(clean, 'f'), 'cleaned\n');
      fs.chmodSync(path.join(clean, 'f'), 0o644);
      const r = sh(['--image=standin/busybox', `--volume=${f.root}/with space$:/da ta~`, 'cat', '/data/f']);
      assert.equal(r.stdout, 'cleaned\n', r.stderr);
    });
  });

  describe('perNodeCache', () => {
    const spec = (to: string) => `${f.root}/pnc:${to}:perNodeCache=size=64M`;
    const pncBase = () => `/tmp/shifter-standin-pnc-${f.user.uid}`;
    afterEach(() => fs.rmSync(pncBase(), { recursive: true, force: true }));

    it('outside a job (and in shared jobs) every run gets a fresh, empty, writable file system owned by the user', () => {
      const a = sh([
        '--image=standin/busybox',
        `-V`,
        spec('/scratch'),
        'sh',
        '-c',
        'ls -A /scratch; echo a > /scratch/a; stat -c %U /scratch; cat /scratch/a',
      ]);
      assert.equal(a.status, 0, a.stderr);
      assert.equal(a.stdout, `${f.user.name}\na\n`);
      const b = sh(['--image=standin/busybox', `-V`, spec('/scratch'), 'sh', '-c', 'ls -A /scratch | wc -l']);
      assert.equal(b.stdout.trim(), '0');
      const shared = { SLURM_JOB_ID: '424242', SHIFTER_STANDIN_JOB_EXCLUSIVE: '0' };
      sh(['--image=standin/busybox', `-V`, spec('/tmp'), 'sh', '-c', 'echo x > /tmp/x'], { env: shared });
      assert.equal(sh(['--image=standin/busybox', `-V`, spec('/tmp'), 'ls', '-A', '/tmp'], { env: shared }).stdout, '');
    });

    it('in an exclusive job it lasts across the steps of the job (and only of that job)', () => {
      const env = { SLURM_JOB_ID: '515151', SHIFTER_STANDIN_JOB_EXCLUSIVE: '1', SHIFTER_STANDIN_SCONTROL: '/bin/false' };
      const a = sh(['--image=standin/busybox', `-V`, spec('/tmp'), 'sh', '-c', 'echo step1 > /tmp/kept'], { env });
      assert.equal(a.status, 0, a.stderr);
      assert.equal(sh(['--image=standin/busybox', `-V`, spec('/tmp'), 'cat', '/tmp/kept'], { env }).stdout, 'step1\n');
      const other = { ...env, SLURM_JOB_ID: '515152' };
      assert.equal(sh(['--image=standin/busybox', `-V`, spec('/tmp'), 'ls', '-A', '/tmp'], { env: other }).stdout, '');
      const st = fs.statSync(`${pncBase()}/job_515151`);
      assert.equal(st.uid, f.user.uid);
    });

    it('validates the perNodeCache flag (size suffixes bkmgtpe, fs=xfs, method=loop only)', () => {
      assert.equal(
        sh(['--image=standin/busybox', `-V`, `${f.root}/p:/scratch:perNodeCache=size=2g,bs=4k,fs=xfs,method=loop`, 'true']).status,
        0,
      );
      for (const flag of [
        'perNodeCache=size=1Q',
        'perNodeCache=size=1G,fs=ext4',
        'perNodeCache=size=1G,method=nfs',
        'perNodeCache=bs=1M',
      ]) {
        const r = sh(['--image=standin/busybox', `-V`, `${f.root}/p:/scratch:${flag}`, 'true']);
        assert.equal(r.status, 1, flag);
        assert.match(r.stderr, /Invalid mount flags specified/, flag);
      }
    });
  });

  describe('modules', () => {
    it('--module=mpich binds the host MPICH into /opt/udiImage/modules/mpich/lib64 and prefixes LD_LIBRARY_PATH', () => {
      assert.ok(fs.existsSync('/usr/lib/x86_64-linux-gnu/libmpich.so.12'), 'PREREQUISITE MISSING: libmpich12 (apt-get install mpich)');
      const r = sh(
        ['--image=standin/busybox', '--module=mpich', 'sh', '-c', 'ls /opt/udiImage/modules/mpich/lib64; echo LD=$LD_LIBRARY_PATH'],
        {
          env: { LD_LIBRARY_PATH: '/host/lib' },
        },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^libmpich\.so\.12$/m);
      assert.match(r.stdout, /^LD=\/opt\/udiImage\/modules\/mpich\/lib64:\/host\/lib$/m);
      assert.ok(!/libc\.so/.test(r.stdout), "glibc stays the image's");
    });

    it('--module=none is accepted; an unknown module is an error', () => {
      assert.equal(sh(['--image=standin/busybox', '--module=none', 'true']).status, 0);
      const r = sh(['--image=standin/busybox', '--module=foo', 'echo', 'ran']);
      assert.equal(r.status, 1);
      assert.doesNotMatch(r.stdout, /^ran$/m);
      assert.match(r.stderr, /^Unknown shifter module: foo$/m);
      const env = sh(['--image=standin/busybox', 'true'], { env: { SHIFTER_MODULE: 'bogus' } });
      assert.equal(env.status, 1, 'SHIFTER_MODULE from the job is checked too');
    });
  });

  it('ACLs: a private image is refused to others, by tag and by id', async () => {
    const gw = await startGateway({
      registry: f.registry,
      store: path.join(f.root, 'store-rtacl'),
      state: path.join(f.root, 'state-rtacl.json'),
    });
    const rec = await pullAndWait(gw, 'standin/busybox:v2', f.user.uid, f.user.gid, JSON.stringify({ allowed_uids: String(f.user.uid) }));
    const env = f.env(gw);
    const mine = runAs(f.user, BIN.shifter, ['--image=standin/busybox:v2', 'cat', '/etc/image-name'], { env, cwd: '/' });
    assert.equal(mine.stdout, 'v2\n', mine.stderr);
    const byTag = runAs(f.other, BIN.shifter, ['--image=standin/busybox:v2', 'true'], { env, cwd: '/' });
    assert.equal(byTag.status, 1);
    assert.match(byTag.stderr, /^FAILED to lookup docker image standin\/busybox:v2$/m);
    const byId = runAs(f.other, BIN.shifter, [`--image=id:${rec.id}`, 'true'], { env, cwd: '/' });
    assert.equal(byId.status, 1);
    assert.match(byId.stderr, /^FAILED permission denied to image$/m);
    await gw.stop();
  });
});
