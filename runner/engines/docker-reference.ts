// Shifter's `docker:NAME:TAG` as the fully qualified reference that podman, podman-hpc, apptainer
// (docker://...) and skopeo pull: Docker Hub unless NAME starts with a registry host, `library/` for
// Hub's official images. Fully qualified, so no registries.conf search list can pick another image.
// Other Shifter image types (custom, id, local) exist only in a Shifter image gateway.

import { normalizeImageRef, parseImageRef } from '../images/image-ref';
import { EngineError } from './engine';

export function dockerReference(ref: string, registry?: string): string {
  const { type, tag } = parseImageRef(normalizeImageRef(ref));
  if (type !== 'docker') throw new EngineError(`image ${ref}: only docker: images exist outside Shifter (${type}: images live in a Shifter image gateway)`);
  const first = tag.split('/')[0];
  if (tag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return tag;
  if (registry) return `${registry}/${tag}`;
  return `docker.io/${tag.includes('/') ? tag : `library/${tag}`}`;
}
