// Which files are Dockerfiles by their name: Dockerfile, Containerfile, Dockerfile.NAME,
// NAME.Dockerfile (and the same for Containerfile), in any case. The editor and
// `shifterflow dockerfile check DIR` agree on it.

export function isDockerfileName(base: string): boolean {
  return /^(?:Dockerfile|Containerfile)(?:\..+)?$/i.test(base) || /\.(?:dockerfile|containerfile)$/i.test(base);
}
