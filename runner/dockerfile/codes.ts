// Every code the Dockerfile rules emit (SD = Shifter, Dockerfile), with its default severity, the rule
// and the fix, quoting NERSC's Shifter guide where it gives the advice. Codes are stable: never
// renumber, only add. (SF codes are the workflow file's, SI codes the image check's.)

import type { Severity } from '../workflow/diagnostic';

export interface DockerfileCodeInfo {
  severity: Severity;
  title: string;
  rule: string;
  fix: string;
}

export const DOCKERFILE_CODES = {
  SD001: {
    severity: 'warning',
    title: "distribution's MPICH package",
    rule: 'Shifter swaps the system MPI into the image at run time "only for images where MPICH is installed in user space (i.e. not with apt-get install mpich-dev)" (Shifter guide).',
    fix: 'Build MPICH from source instead, as the guide does: wget http://www.mpich.org/static/downloads/3.2/mpich-3.2.tar.gz && tar xvzf mpich-3.2.tar.gz && cd mpich-3.2 && ./configure && make -j4 && make install && make clean, then /sbin/ldconfig.',
  },
  SD002: {
    severity: 'warning',
    title: 'libraries installed without ldconfig',
    rule: 'Libraries must be in the standard search path: "We recommend running an /sbin/ldconfig as part of the image build ... to update the cache after installing any new libraries" (Shifter guide).',
    fix: 'Append `&& /sbin/ldconfig` to the instruction that installs the libraries (or add `RUN /sbin/ldconfig` after the last one).',
  },
  SD003: {
    severity: 'warning',
    title: 'cmake without CMAKE_SKIP_RPATH',
    rule: '"Programs built with CMAKE may override the use of the LD_LIBRARY_PATH. You can use CMAKE_SKIP_RPATH to disable this behavior" (Shifter guide): an rpath keeps the image\'s MPI instead of the system one Shifter swaps in.',
    fix: 'Configure with `cmake -DCMAKE_SKIP_RPATH=ON ...`.',
  },
  SD004: {
    severity: 'warning',
    title: 'application files in /etc or /var',
    rule: '"The /etc and /var directories are reserved for use by the system and will be overwritten when the image is mounted" (Shifter guide). Shifter builds /var itself; it keeps the image\'s /etc but lays the site\'s passwd, group, hosts, resolv.conf and nsswitch.conf over it.',
    fix: 'Install application files elsewhere (for example /opt/APP or /usr/local/etc) and point the application there (an ENV variable or a command-line option).',
  },
  SD005: {
    severity: 'warning',
    title: 'software under /root',
    rule: '"Root is squashed on Shifter images, so the software should be installed in a way that is executable to someone with user-level permissions" (Shifter guide): the job runs as you, and /root is not yours.',
    fix: 'Install under /usr/local or /opt (for example --prefix=/opt/APP); test with `docker run -it --user 500 IMAGE /bin/bash`.',
  },
  SD006: {
    severity: 'warning',
    title: 'mode the job user cannot use',
    rule: 'Root is squashed: the job runs as you, so installed software must be readable (and its directories and programs executable) by others, not 700/600-style modes.',
    fix: 'Keep read (and execute, where the owner has it) for group and others, e.g. 755 instead of 700, 644 instead of 600, go-w instead of go-rwx.',
  },
  SD007: {
    severity: 'warning',
    title: 'base image with glibc older than 2.17',
    rule: 'The MPI swap-in "will only work with operating systems with glibc version 2.17 or higher" (Shifter guide).',
    fix: 'Use a newer base image (glibc 2.17 or newer: CentOS 7, Ubuntu 13.04, Debian 8 or later).',
  },
  SD008: {
    severity: 'warning',
    title: 'musl base image',
    rule: 'Shifter swaps the system MPI (built against glibc 2.17 or newer) into the image; an image on musl (Alpine) has no glibc, so MPI jobs do not get the system MPI.',
    fix: 'Use a glibc-based image (Debian, Ubuntu, Rocky/RHEL) for MPI jobs.',
  },
  SD009: {
    severity: 'warning',
    title: 'source archive left in the image',
    rule: '"You can keep image size down by removing software source tarballs after you install them" (Shifter guide); images above about 20 GB time out on upload. A later RUN\'s rm does not help: the layer keeps the file.',
    fix: 'Remove the archive in the same RUN that downloads or unpacks it (`&& rm -f FILE`).',
  },
} satisfies Record<string, DockerfileCodeInfo>;

export type DockerfileCode = keyof typeof DOCKERFILE_CODES;
