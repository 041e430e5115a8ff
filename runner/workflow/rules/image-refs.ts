// SF010 SF011 SF024: what a Shifter image reference must look like and what it implies. Entries of
// `images:` are grammar-checked by the schema; `image:` on defaults, jobs and steps is free text there
// (it may be an alias), so a reference written inline gets its grammar checked here. A reference that
// passes the grammar must also pass the normalizer that render and run use (image-refusals.ts).

import type { Finding, JsonPath } from '../finding';
import { closest } from '../suggest';
import { IMAGE_TYPES, REF_PATTERN, defaultsImageUses, entryRef, jobImageUses, parseDockerTag, parseRef, resolveImage, type ImageUse } from './image-lookup';
import { refusal } from './image-refusals';
import { asArray, asRecord, type JobRule, type Rule } from './rule';

/** Docker Hub is public: pulling from it without an ACL exposes nothing. */
const PUBLIC_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export const imageEntries: Rule = ({ value }) => {
  const findings: Finding[] = [];
  for (const [alias, entry] of Object.entries(asRecord(value.images) ?? {})) {
    const at = entryRef(entry, ['images', alias]);
    if (!at || !REF_PATTERN.test(at.ref)) continue;
    findings.push(...grammatical(at.ref, at.path));
    const acl = asRecord(entry);
    if (asArray(acl?.users).length === 0 && asArray(acl?.groups).length === 0) {
      const host = privateHost(at.ref);
      if (host) {
        findings.push({
          code: 'SF024',
          message: `Image "${alias}" (${at.ref}) comes from the registry ${host} but names no users or groups: once pulled, every user of the system can run it. Write it as { ref: ${at.ref}, users: [<your user name>] } (or groups:).`,
          path: at.path,
        });
      }
    }
  }
  return [...findings, ...defaultsImageUses(value).flatMap((use) => inline(value, use))];
};

export const jobImageRefs: JobRule = ({ value }, entry) => jobImageUses(entry).flatMap((use) => inline(value, use));

/** A reference written where an alias could be. */
function inline(value: Record<string, unknown>, use: ImageUse): Finding[] {
  const resolved = resolveImage(value, use.text);
  // Aliases were checked at their entry; names that are neither are references.ts's to report.
  if (!resolved || resolved.alias !== undefined) return [];
  if (!REF_PATTERN.test(use.text)) return [invalid(use)];
  const findings = grammatical(use.text, use.path);
  const host = privateHost(use.text);
  if (host) {
    findings.push({
      code: 'SF024',
      message: `Image ${use.text} comes from the registry ${host} and is written inline, so it cannot name users or groups: once pulled, every user of the system can run it. Define it under images: as { ref: ${use.text}, users: [<your user name>] } and use the alias here.`,
      path: use.path,
    });
  }
  return findings;
}

function invalid(use: ImageUse): Finding {
  const finding: Finding = {
    code: 'SF010',
    message: `Image "${use.text}" is not a Shifter image reference: write TYPE:NAME:VERSION with TYPE docker, custom, id or local (for example docker:ubuntu:22.04), using only letters, digits and . _ / - in the name.`,
    path: use.path,
  };
  const head = use.text.slice(0, use.text.indexOf(':'));
  const type = IMAGE_TYPES.includes(head) ? undefined : closest(head, IMAGE_TYPES);
  const candidate = type && type + use.text.slice(head.length);
  // A suggestion that SF010 would refuse in turn is no fix.
  if (candidate && REF_PATTERN.test(candidate) && !refusal(candidate, use.path)) {
    finding.message = `Image "${use.text}" has an unknown type "${head}"; Shifter knows docker, custom, id and local. Did you mean ${candidate}?`;
    finding.fix = { title: `Change to ${candidate}`, kind: 'replaceValue', yaml: candidate };
  }
  return finding;
}

/**
 * A reference that matches the grammar: what Shifter would refuse or change, docker's lowercase rule,
 * and a version to pin (not asked of a reference that is wrong anyway).
 */
function grammatical(ref: string, path: JsonPath): Finding[] {
  const refused = refusal(ref, path);
  return [...lowercase(ref, path), ...(refused ? [refused] : pinned(ref, path))];
}

/** Docker's own rule: a lowercase repository. */
function lowercase(ref: string, path: JsonPath): Finding[] {
  const parsed = parseRef(ref);
  if (parsed.type !== 'docker') return [];
  const name = parseDockerTag(parsed.tag);
  if (name.repository === name.repository.toLowerCase()) return [];
  const fixed = [parsed.explicitType ? 'docker:' : '', name.host ? `${name.host}/` : '', name.repository.toLowerCase(), name.version !== undefined ? `:${name.version}` : '', name.digest !== undefined ? `@${name.digest}` : ''].join('');
  return [{
    code: 'SF010',
    message: `Image ${ref} has capitals in its repository name "${name.repository}"; docker names are lowercase, so the pull would fail. Write ${fixed}.`,
    path,
    fix: { title: `Change to ${fixed}`, kind: 'replaceValue', yaml: fixed },
  }];
}

/** A docker image without a version floats on :latest. */
function pinned(ref: string, path: JsonPath): Finding[] {
  const parsed = parseRef(ref);
  if (parsed.type !== 'docker' || parseDockerTag(parsed.tag).version !== undefined) return [];
  return [{
    code: 'SF011',
    message: `Image ${ref} has no version, so Shifter pulls :latest, which changes under you between runs. Pin the version you tested, for example ${ref}:1.0 (or write :latest to mean it).`,
    path,
  }];
}

function privateHost(ref: string): string | undefined {
  const parsed = parseRef(ref);
  if (parsed.type !== 'docker') return undefined;
  const host = parseDockerTag(parsed.tag).host;
  return host !== undefined && !PUBLIC_HOSTS.has(host.toLowerCase()) ? host : undefined;
}
