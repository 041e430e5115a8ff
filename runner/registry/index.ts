// Reading an image straight from its registry (OCI distribution API, "registry HTTP API v2"): no
// docker daemon, nothing installed, memory bounded whatever the image size. Shared by the image
// check (`shifterflow images check`) and the local executor's bwrap engine (unpack.ts).
//
//   import { openImage, MergedIndex } from '../registry';
//   const image = await openImage('docker:myorg/app:1.0', { settings: localSettings() });
//   image.digest;                         // sha256:... of the linux/amd64 manifest
//   const config = await image.config();  // env, entrypoint, cmd, workdir, user, architecture
//   const index = new MergedIndex<LayerEntry>();
//   await image.walkLayers(async (entry, content) => {
//     if (entry.whiteout) return index.whiteout(entry.whiteout);
//     index.add(entry.path, entry, entry.type === 'directory');
//     if (entry.path === '/etc/os-release') text = (await content.read(4096)).toString();
//   }, () => index.nextLayer());
//
// Errors are RegistryError (a UserError: print the message, exit 1), with `problem` saying which:
// not-found, refused, network, unsupported, broken-layer, registry.

export { RegistryError, type RegistryProblem } from './errors';
export { imageLocation, type ImageLocation, type RegistrySettings } from './location';
export { openImage, RemoteImage, LINUX_AMD64, type OpenImageOptions } from './image';
export { ImageAtRegistry } from './image-at-registry';
export type { RemoteImageConfig } from './image-config';
export type { Descriptor, ImageManifest, Platform } from './manifest';
export type { EntryContent, EntryType, EntryVisitor, LayerEntry, LayerStats } from './layer-walk';
export { whiteoutOf, hiddenBy, LayerPaths, MergedIndex, type Whiteout } from './whiteouts';
export { layerCompression, type Compression } from './decompress';
