// SI006: the image's own /etc/ld.so.cache is what the linker uses under Shifter (the contract: /etc
// is the image's, only passwd, group, hosts, resolv.conf and nsswitch.conf are the site's; nothing
// runs ldconfig). Libraries in directories that ld.so finds only through the cache (those of
// /etc/ld.so.conf, e.g. /usr/local/lib) are missed when a later layer added them after the cache was
// built, or when there is no cache. Within one layer the order is unknown: not reported.

import { imageFinding } from '../finding';
import { TRUSTED_LIB_DIRS } from '../image-index';
import { baseName, parentOf } from '../merged-view';
import type { ImageRule } from './rule';

const LIBRARY = /^lib.+\.so(\.\d+)*$/;

export const ldCache: ImageRule = (image) => {
  const cacheDirs = image.ldSoConfDirs().map((d) => image.resolve(d).path).filter((d) => !TRUSTED_LIB_DIRS.includes(d));
  const defaults = cacheDirs.length > 0 ? cacheDirs : ['/usr/local/lib'];
  const cache = image.get('/etc/ld.so.cache');
  const stale: string[] = [];
  for (const [p, e] of image.byPath) {
    if ((e.type !== 'file' && e.type !== 'symlink') || !LIBRARY.test(baseName(p)) || !defaults.includes(parentOf(p))) continue;
    if (!cache || e.layer > cache.layer) stale.push(p);
  }
  if (stale.length === 0) return [];
  const why = cache ? `were added after /etc/ld.so.cache was built (layer ${cache.layer + 1})` : 'are there but the image has no /etc/ld.so.cache';
  return [imageFinding('SI006', `${stale.length} librar${stale.length === 1 ? 'y' : 'ies'} outside the linker's default directories ${why}; Shifter uses the image's cache as is`, stale)];
};
