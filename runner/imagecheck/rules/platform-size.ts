// SI013 and SI014: the platform the gateway pulls (linux/amd64) and the guide's size limit (about
// 20 GB, compressed or not: larger uploads time out).

import { imageFinding, type ImageFinding } from '../finding';
import type { ImageRule } from './rule';

export const SIZE_LIMIT = 20 * 1024 ** 3;

export const platformAndSize: ImageRule = (image) => {
  const findings: ImageFinding[] = [];
  const { os, architecture, variant } = image.facts.platform;
  if (os !== 'linux' || architecture !== 'amd64') {
    findings.push(imageFinding('SI013', `the image is ${os}/${architecture}${variant ? '/' + variant : ''}, not linux/amd64`));
  }
  const big = [
    ['compressed', image.facts.compressedSize],
    ['uncompressed', image.facts.uncompressedSize],
  ].filter(([, n]) => (n as number) > SIZE_LIMIT);
  if (big.length > 0) {
    findings.push(imageFinding('SI014', `the image is ${big.map(([what, n]) => `${gb(n as number)} ${what}`).join(', ')}: above the 20 GB the gateway uploads in time`));
  }
  return findings;
};

export function gb(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
