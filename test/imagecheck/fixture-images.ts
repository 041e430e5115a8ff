// The test images: a clean one and one per finding, as layer file lists (push-image.ts pushes them
// to the real registry; local-source.ts streams the same layers without one).

import type { FileSpec, ImageSpec } from './push-image';

const dir = (path: string, mode = 0o755, uid = 0): FileSpec => ({ path, type: 'directory', mode, uid });
const file = (path: string, content = '', mode = 0o644, uid = 0): FileSpec => ({ path, content, mode, uid });
const link = (path: string, linkname: string): FileSpec => ({ path, type: 'symlink', linkname, mode: 0o777 });

/** A small glibc 2.31 Debian-like base: dpkg database, ld.so.cache, PATH directories, a program. */
export function baseLayer(): FileSpec[] {
  return [
    dir('/bin'), dir('/usr'), dir('/usr/bin'), dir('/usr/local'), dir('/usr/local/bin'), dir('/usr/local/lib'), dir('/usr/lib'),
    dir('/usr/lib/x86_64-linux-gnu'), dir('/etc'), dir('/etc/ld.so.conf.d'), dir('/var'), dir('/var/lib'), dir('/var/lib/dpkg'),
    dir('/var/lib/dpkg/info'), dir('/var/log'), dir('/var/tmp', 0o1777), dir('/root', 0o700), dir('/data'), dir('/tmp', 0o1777),
    file('/usr/lib/x86_64-linux-gnu/libc-2.31.so', '\x7fELF GLIBC_2.2.5 GLIBC_2.31', 0o755),
    link('/usr/lib/x86_64-linux-gnu/libc.so.6', 'libc-2.31.so'),
    file('/usr/bin/sh', '\x7fELF', 0o755),
    link('/bin/sh', '/usr/bin/sh'),
    file('/usr/bin/python3', '\x7fELF', 0o755),
    file('/etc/os-release', 'PRETTY_NAME="Test GNU/Linux 11"\nID=test\n'),
    file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n'),
    file('/etc/group', 'root:x:0:\nnogroup:x:65534:\n'),
    file('/etc/hosts', '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n'),
    file('/etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n'),
    file('/etc/ld.so.conf.d/libc.conf', '# libc default configuration\n/usr/local/lib\n'),
    file('/etc/ld.so.cache', 'ld.so-1.7.0'),
    file('/var/lib/dpkg/status', 'Package: base-files\nStatus: install ok installed\nVersion: 11\n\nPackage: tzdata\nStatus: install ok installed\n'),
    file('/var/lib/dpkg/info/base-files.list', '/.\n/etc\n/etc/os-release\n/var\n/var/lib/dpkg/alternatives/whatever\n/var/lib/misc\n/var/opt/base.txt\n'),
    file('/var/opt/base.txt', 'owned by base-files'),
  ];
}

const CONFIG = { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Cmd: ['python3'] };

export interface FixtureImage {
  spec: ImageSpec;
  /** Expected code and paths (exactly, in order, as the finding lists them). */
  expect?: { code: string; paths: string[]; count?: number; severity?: string };
}

export function fixtureImages(prefix: string): Record<string, FixtureImage> {
  const name = (n: string) => `${prefix}-${n}:1`;
  const img = (n: string, extra: FileSpec[][], config: ImageSpec['config'] = CONFIG, architecture?: string): ImageSpec => ({ name: name(n), layers: [baseLayer(), ...extra], config, architecture });
  return {
    clean: { spec: img('clean', [[file('/usr/local/bin/tool', '#!/bin/sh\necho ok\n', 0o755), file('/usr/local/lib/libtool.so.1', 'ELF', 0o644), file('/etc/ld.so.cache', 'rebuilt')]]) },
    SI001: { spec: img('si001', [[file('/usr/local/bin/rootonly', '\x7fELF', 0o700)]]), expect: { code: 'SI001', paths: ['/usr/local/bin/rootonly'] } },
    SI002: { spec: img('si002', [[dir('/opt'), dir('/opt/app', 0o750), file('/opt/app/run.py', 'print(1)'), file('/usr/share-secret.txt', 'x', 0o600)]]), expect: { code: 'SI002', paths: ['/opt/app', '/usr/share-secret.txt'] } },
    SI003: { spec: img('si003', [[file('/root/.bashrc', 'x'), dir('/root/.local'), dir('/root/.local/bin'), file('/root/.local/bin/mytool', 'x', 0o755)]]), expect: { code: 'SI003', paths: ['/root/.local/bin/mytool'] } },
    SI004: { spec: img('si004', [[dir('/var/lib/myapp'), file('/var/lib/myapp/data.db', 'x'), file('/var/log/build.log', 'x')]]), expect: { code: 'SI004', paths: ['/var/lib/myapp/data.db'] } },
    SI005: { spec: img('si005', [[file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n'), file('/etc/hosts', '127.0.0.1 localhost\n10.0.0.5 dbserver\n')]]), expect: { code: 'SI005', paths: ['/etc/hosts', '/etc/passwd'] } },
    SI006: { spec: img('si006', [[file('/usr/local/lib/libfoo.so.1', 'ELF'), link('/usr/local/lib/libfoo.so', 'libfoo.so.1')]]), expect: { code: 'SI006', paths: ['/usr/local/lib/libfoo.so', '/usr/local/lib/libfoo.so.1'] } },
    SI007: {
      spec: { name: name('si007'), config: CONFIG, layers: [baseLayer().filter((f) => !/libc/.test(f.path)).concat([file('/lib64/libc-2.12.so', 'ELF', 0o755), link('/lib64/libc.so.6', 'libc-2.12.so'), dir('/lib64')])] },
      expect: { code: 'SI007', paths: ['/lib64/libc-2.12.so', '/lib64/libc.so.6'] },
    },
    SI007new: {
      // glibc 2.35: no versioned file, the version is read inside libc.so.6 (GLIBC_2.NN symbols); 2.35 is fine, nothing to report.
      spec: { name: name('glibc235'), config: CONFIG, layers: [baseLayer().filter((f) => !/libc/.test(f.path)).concat([file('/usr/lib/x86_64-linux-gnu/libc.so.6', `\x7fELF${'\0'.repeat(70000)}GLIBC_2.2.5\0GLIBC_2.34\0GLIBC_2.35\0`, 0o755)])] },
    },
    SI008: { spec: { name: name('si008'), config: CONFIG, layers: [baseLayer().filter((f) => !/libc/.test(f.path)).concat([dir('/lib'), file('/lib/ld-musl-x86_64.so.1', 'ELF', 0o755)])] }, expect: { code: 'SI008', paths: ['/lib/ld-musl-x86_64.so.1'] } },
    SI010: {
      spec: img('si010', [[file('/var/lib/dpkg/status', 'Package: base-files\nStatus: install ok installed\n\nPackage: libmpich12\nStatus: install ok installed\n\nPackage: mpich\nStatus: deinstall ok config-files\n'), file('/usr/lib/x86_64-linux-gnu/libmpi.so.12', 'ELF')]]),
      expect: { code: 'SI010', paths: ['/var/lib/dpkg/status: libmpich12'] },
    },
    SI011: { spec: img('si011', [[file('/usr/local/bin/entry.sh', '#!/bin/sh\n', 0o755)]], { ...CONFIG, Entrypoint: ['/usr/local/bin/entry.sh'] }), expect: { code: 'SI011', paths: ['/usr/local/bin/entry.sh'] } },
    SI012: { spec: img('si012', [[file('/usr/bin/sudo', 'ELF', 0o4755), file('/usr/bin/wall', 'ELF', 0o2755)]]), expect: { code: 'SI012', paths: ['/usr/bin/sudo', '/usr/bin/wall'] } },
    SI013: { spec: img('si013', [], CONFIG, 'arm64'), expect: { code: 'SI013', paths: [] } },
    whiteouts: {
      // A later layer deletes the root-only program (whiteout) and empties /var/lib/myapp (opaque): nothing is left to report.
      spec: img('whiteouts', [
        [file('/usr/local/bin/rootonly', 'x', 0o700), dir('/var/lib/myapp'), file('/var/lib/myapp/data.db', 'x')],
        [file('/usr/local/bin/.wh.rootonly'), file('/var/lib/myapp/.wh..wh..opq')],
      ]),
    },
  };
}
