// SF010 for references that pass the grammar but that render and run would refuse. The judge is the
// normalizer itself (runner/images/image-ref.ts), not a copy of its rules: whatever it refuses,
// validation refuses, so `validate` can never pass a file that `render` or `run` then rejects. This
// file only puts the normalizer's reason into words with the fix where one is obvious.

import { ImageRefError, normalizeImageRef, type ImageRefProblem } from '../../images/image-ref';
import type { Finding, JsonPath } from '../finding';
import { REF_PATTERN, parseDockerTag, parseRef } from './image-lookup';

/** The SF010 finding for a reference the normalizer refuses; undefined when it accepts it. */
export function refusal(ref: string, path: JsonPath): Finding | undefined {
  const problem = problemOf(ref);
  if (!problem) return undefined;
  const finding: Finding = { code: 'SF010', message: explain(ref, problem), path };
  const fixed = fixFor(ref, problem);
  if (fixed) finding.fix = { title: `Change to ${fixed}`, kind: 'replaceValue', yaml: fixed };
  return finding;
}

function problemOf(ref: string): ImageRefProblem | undefined {
  try {
    normalizeImageRef(ref);
    return undefined;
  } catch (e) {
    if (e instanceof ImageRefError) return e.problem;
    throw e;
  }
}

function explain(ref: string, problem: ImageRefProblem): string {
  switch (problem.kind) {
    case 'empty':
      return `Image "${ref}" names no image: write TYPE:NAME:VERSION, for example docker:ubuntu:22.04.`;
    case 'no-name': {
      const { tag } = parseRef(ref);
      const before = tag.slice(0, tag.lastIndexOf('/') + 1);
      return before
        ? `Image ${ref} is missing the image name after "${before}", so there is nothing to pull. Add the name, for example ${ref.slice(0, ref.length - tag.length)}${before}app:1.0.`
        : `Image ${ref} is missing the image name, so there is nothing to pull. Write TYPE:NAME:VERSION, for example docker:ubuntu:22.04.`;
    }
    case 'dropped': {
      const fixed = fixFor(ref, problem);
      const sentences: string[] = [];
      if (problem.chars.includes('@')) {
        // Shifter keeps only [A-Za-z0-9_:.+-/] of a reference: `ubuntu:22.04@sha256:…` would ask the
        // gateway for `ubuntu:22.04sha256:…`, another image or none. With a "/" to drop as well, the
        // fix is given once, after both reasons.
        const example = problem.chars.includes('/') ? '' : fixed ? `: ${fixed}` : `, for example ${problem.type === 'docker' ? 'docker:ubuntu:22.04' : `${problem.type}:NAME`}`;
        sentences.push(`Image ${ref} pins a digest, which Shifter cannot pull: it drops the "@" and asks the image gateway for a different name. Name the image by a tag instead${example}.`);
      }
      if (problem.chars.includes('/')) {
        const { tag } = parseRef(ref);
        const pulled = `${problem.type}:${[...tag].filter((c) => !problem.chars.includes(c)).join('')}`;
        const lead = sentences.length ? 'It also has' : `Image ${ref} has`;
        sentences.push(`${lead} a "/" in its name, which Shifter drops from ${problem.type} images, so it would pull ${pulled} instead. Use the name without "/"${fixed ? ` (${fixed})` : ''}; a docker image is written docker:${tag.split('@')[0]}.`);
      }
      const others = problem.chars.filter((c) => c !== '@' && c !== '/');
      if (others.length) {
        const shown = others.map((c) => (c === ' ' ? 'a space' : JSON.stringify(c))).join(', ');
        sentences.push(`Image "${ref}" contains ${shown}, which Shifter silently removes, so a different image would be pulled. Use only letters, digits and . _ - (and / in docker names).`);
      }
      return sentences.join(' ');
    }
  }
}

/**
 * What the author most likely meant, when that is clear: the reference without its digest (a docker
 * one only when a version remains, else it would float on :latest), and without the "/" Shifter drops
 * from custom and id names (the image it would pull anyway, now said out loud). Offered only when the
 * normalizer and the grammar accept the result.
 */
function fixFor(ref: string, problem: ImageRefProblem): string | undefined {
  if (problem.kind !== 'dropped' || problem.chars.some((c) => c !== '@' && c !== '/')) return undefined;
  let fixed = ref;
  if (problem.chars.includes('@')) {
    fixed = fixed.slice(0, fixed.indexOf('@'));
    if (problem.type === 'docker' && parseDockerTag(parseRef(fixed).tag).version === undefined) return undefined;
  }
  if (problem.chars.includes('/')) {
    const { tag } = parseRef(fixed);
    // `custom:registry.example.org:5000/team/app` is a docker image written with the wrong type:
    // gluing its parts together would be no one's intent.
    if (parseDockerTag(tag).host !== undefined) return undefined;
    fixed = `${problem.type}:${tag.replace(/\//g, '')}`;
  }
  return REF_PATTERN.test(fixed) && !problemOf(fixed) ? fixed : undefined;
}
