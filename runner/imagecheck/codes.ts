// Every finding the image check reports (SI0xx), with its default severity, what it means and how to
// fix it. Codes are stable: never renumber, only add. Hover, docs and `images check` read this table.

import type { Severity } from '../workflow/diagnostic';

export interface ImageCodeInfo {
  severity: Severity;
  title: string;
  description: string;
  fix: string;
}

export const IMAGE_CODES = {
  SI001: { severity: 'error', title: 'unreadable on the job\'s path', description: "The job runs as the user, never root (Shifter squashes root), and this program, directory of PATH, WORKDIR or the directories leading to them lack o+x (or o+r): the job cannot run or reach it.", fix: 'Install software world-readable: chmod -R o+rX on it in the Dockerfile (or install with mode 755); test with `docker run --user 500`.' },
  SI002: { severity: 'warning', title: 'unreadable by the job\'s user', description: 'Files without o+r or directories without o+x: only their owner (root, usually) can read them, and the job never runs as that owner under Shifter.', fix: 'chmod -R o+rX the software directories in the Dockerfile.' },
  SI003: { severity: 'warning', title: 'software under /root', description: "Files installed under /root (pip --user, a build directory, a home-made tool) are root's: /root is usually mode 700 and the job runs as the user.", fix: 'Install into /usr/local, /opt or another world-readable prefix instead of /root.' },
  SI004: { severity: 'warning', title: 'content under /var', description: "Shifter builds /var itself when it mounts the image (only /var/tmp comes from the host): what the image added under /var (application data, /var/lib/...) is not there at run time.", fix: 'Keep application data outside /var (e.g. /opt/APP or /srv), or mount it as a volume.' },
  SI005: { severity: 'warning', title: 'replaced /etc file', description: "Shifter keeps the image's /etc but lays the site's passwd, group, hosts, resolv.conf and nsswitch.conf over it: accounts, groups or host names the image adds there do not exist at run time.", fix: 'Do not rely on users, groups or hosts added in the image; the job runs as the site user.' },
  SI006: { severity: 'warning', title: 'stale /etc/ld.so.cache', description: "Shifter keeps the image's own /etc/ld.so.cache and never runs ldconfig: libraries installed outside the linker's trusted directories after the cache was built (or with no cache at all) are not found.", fix: 'Run /sbin/ldconfig as the last step of the build, after installing libraries.' },
  SI007: { severity: 'warning', title: 'glibc older than 2.17', description: "Shifter swaps the site's MPI into the image only for glibc 2.17 or newer: MPI jobs in this image cannot use the system MPI (the fast network).", fix: 'Base the image on a distribution with glibc >= 2.17 (e.g. RHEL/CentOS 7+, Ubuntu 15.10+, Debian 8+).' },
  SI008: { severity: 'warning', title: 'no glibc', description: "The image has no GNU C library (musl, or fully static): the site's MPI cannot be swapped in, so MPI jobs will not get the system MPI.", fix: 'Use a glibc-based image (Debian, Ubuntu, RHEL family) for MPI jobs.' },
  SI009: { severity: 'error', title: 'no MPICH-ABI libmpi.so.12', description: "An MPI job needs libmpi.so.12 or libmpich.so.12 (the MPICH ABI) in the linker's standard search path so that Shifter can swap the site's MPICH in at run time.", fix: 'Build MPICH from source in the image (./configure --prefix=/usr/local), then run /sbin/ldconfig.' },
  SI010: { severity: 'warning', title: "distribution's MPICH", description: "MPICH comes from the distribution's packages (the package database says so); the guide asks for MPICH built in user space, which the site's MPI replaces reliably.", fix: 'Remove the mpich/libmpich packages and build MPICH from source into /usr/local.' },
  SI011: { severity: 'warning', title: 'ENTRYPOINT not run', description: 'Shifter does not run the image ENTRYPOINT unless the job asks for it.', fix: 'Add `entrypoint: true` to the job (or run the program in `command:`).' },
  SI012: { severity: 'warning', title: 'setuid/setgid file', description: 'setuid and setgid bits have no effect under Shifter (the image is mounted nosuid and root is squashed): programs relying on them fail.', fix: 'Do not rely on setuid/setgid programs (sudo, ping, ...) in the job; remove the bits with chmod u-s,g-s.' },
  SI013: { severity: 'error', title: 'not linux/amd64', description: "The site's nodes run linux/amd64 and the gateway pulls that platform: this image has no such variant.", fix: 'Build for linux/amd64 (docker buildx build --platform linux/amd64).' },
  SI014: { severity: 'error', title: 'image above 20 GB', description: "Images above about 20 GB time out in the gateway's upload and conversion.", fix: 'Make the image smaller: multi-stage builds, no source tarballs or build trees, data in volumes instead of the image.' },
  SI015: { severity: 'error', title: 'volume target is a file', description: 'A directory cannot be mounted on a file: the image has a file where the volume is mounted.', fix: 'Mount the volume at a directory (or a path the image does not have).' },
  SI016: { severity: 'error', title: 'volume target under /etc or /var', description: 'Through the image\'s symbolic links this volume target lies under /etc or /var, which Shifter refuses as mount targets.', fix: 'Choose a target outside /etc and /var (e.g. /data).' },
  SI017: { severity: 'error', title: 'volume target cannot be created', description: 'A missing volume target is created only if its parent exists in the image (one level): neither exists here.', fix: 'Create the directory in the image (RUN mkdir -p TARGET) or mount at a path whose parent exists.' },
  SI018: { severity: 'warning', title: 'program not in the image', description: "The job's program is neither in the image's PATH nor under one of the job's volumes.", fix: 'Install the program in the image, or give its full path.' },
  SI019: { severity: 'error', title: 'command needs /bin/sh', description: "A command with shell syntax (a redirect, a pipe, `$VAR`, `&&`, a glob, several lines...) runs as `/bin/sh -c '<the command>'` inside the image, once per task, and this image has no /bin/sh the job's user can run (none at all, a link to nothing, or not executable by others).", fix: 'Add a shell to the image (e.g. COPY a static busybox and link /bin/sh to it), or write the command without shell syntax: a program and its words (`tool --in /data/x`).' },
} as const satisfies Record<string, ImageCodeInfo>;

export type ImageCode = keyof typeof IMAGE_CODES;

export function imageCodeInfo(code: string): ImageCodeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(IMAGE_CODES, code) ? IMAGE_CODES[code as ImageCode] : undefined;
}
