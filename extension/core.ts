// The core, loaded on first use: activation stays light (the YAML parsers, the ajv check and the rules
// are evaluated only when a workflow is first validated). Everything else in extension/ imports
// runner/ types only (`import type`), never values, or esbuild would evaluate them at load time.

/* eslint-disable @typescript-eslint/no-require-imports */
type Spec = typeof import('../runner/workflow/validate');
type Codes = typeof import('../runner/workflow/codes');
type PlanMod = typeof import('../runner/plan');
type RenderMod = typeof import('../runner/render');
type Images = typeof import('../runner/images');
type Runner = typeof import('../runner/slurm/command-runner');
type Yaml = typeof import('yaml');
type FileHints = typeof import('../runner/workflow/file-hints');
type LastCheck = typeof import('../runner/imagecheck/last-check');
type ImageSites = typeof import('../runner/imagecheck/image-sites');
type ImageUses = typeof import('../runner/imagecheck/plan-uses');
type Dockerfile = typeof import('../runner/dockerfile');

let spec: Spec | undefined;
let codes: Codes | undefined;
let plan: PlanMod | undefined;
let render: RenderMod | undefined;
let images: Images | undefined;
let runner: Runner | undefined;
let yaml: Yaml | undefined;
let fileHints: FileHints | undefined;
let lastCheck: LastCheck | undefined;
let imageSites: ImageSites | undefined;
let imageUses: ImageUses | undefined;
let dockerfile: Dockerfile | undefined;

export const core = {
  spec: (): Spec => (spec ??= require('../runner/workflow/validate') as Spec),
  codes: (): Codes => (codes ??= require('../runner/workflow/codes') as Codes),
  plan: (): PlanMod => (plan ??= require('../runner/plan') as PlanMod),
  render: (): RenderMod => (render ??= require('../runner/render') as RenderMod),
  images: (): Images => (images ??= require('../runner/images') as Images),
  runner: (): Runner => (runner ??= require('../runner/slurm/command-runner') as Runner),
  yaml: (): Yaml => (yaml ??= require('yaml') as Yaml),
  fileHints: (): FileHints => (fileHints ??= require('../runner/workflow/file-hints') as FileHints),
  lastCheck: (): LastCheck => (lastCheck ??= require('../runner/imagecheck/last-check') as LastCheck),
  imageSites: (): ImageSites => (imageSites ??= require('../runner/imagecheck/image-sites') as ImageSites),
  imageUses: (): ImageUses => (imageUses ??= require('../runner/imagecheck/plan-uses') as ImageUses),
  dockerfile: (): Dockerfile => (dockerfile ??= require('../runner/dockerfile') as Dockerfile),
};
