'use strict';
// Image references, exactly as Shifter's parse_ImageDescriptor / imageDesc_filterString do it:
//  - "TYPE:TAG" where TYPE is one of docker, custom, id, local;
//  - if the text before the first ':' (after filtering) is not one of these types, the WHOLE string is
//    the tag and the default type (docker) applies: "ubuntu:22.04" == "docker:ubuntu:22.04";
//  - the tag is filtered: characters outside [A-Za-z0-9_:.+-] are dropped, '/' is kept only for the
//    docker and local types.
// The ":latest" suffix is NOT added here: the gateway adds it to a docker tag without ':'.

const ALLOWED_TYPES = ['docker', 'custom', 'id', 'local'];
const DEFAULT_TYPE = 'docker';

function filterString(input, allowSlash) {
  let out = '';
  for (const ch of input) {
    if (/[A-Za-z0-9_:.+-]/.test(ch) || (allowSlash && ch === '/')) out += ch;
  }
  return out;
}

function filterTag(input, type) {
  return filterString(input, type === 'local' || type === 'docker');
}

/** @returns {{type: string, tag: string} | null} */
function parseImageDescriptor(userinput, defaultType = DEFAULT_TYPE) {
  if (typeof userinput !== 'string' || userinput.length === 0) return null;
  let type = null;
  let rest = userinput;
  const colon = userinput.indexOf(':');
  if (colon >= 0) {
    const candidate = filterString(userinput.slice(0, colon), false);
    if (ALLOWED_TYPES.includes(candidate)) {
      type = candidate;
      rest = userinput.slice(colon + 1);
    }
  }
  if (type === null) {
    type = defaultType;
    rest = userinput;
  }
  if (!ALLOWED_TYPES.includes(type)) return null;
  const tag = filterTag(rest, type);
  if (!tag) return null;
  return { type, tag };
}

/** The gateway's normalisation: a docker tag without any ':' gets ':latest'. */
function gatewayTag(type, tag) {
  if (type === 'docker' && tag.indexOf(':') === -1) return `${tag}:latest`;
  return tag;
}

module.exports = { parseImageDescriptor, gatewayTag, filterTag, ALLOWED_TYPES, DEFAULT_TYPE };
