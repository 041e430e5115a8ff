// References SF010 must accept. The rule's passing examples (image-refs.test.ts) are built from this
// list, and image-ref-agreement.test.ts runs the same list through the normalizer render and run use:
// an example cannot pass validation without also being something render and run accept.

export const ACCEPTED_REFS: readonly string[] = [
  'docker:ubuntu:22.04',
  'ubuntu:22.04',
  'docker:myorg/app:latest',
  'docker:myorg/app_x:1.0-rc.1',
  'docker:registry.services.nersc.gov/alice/app:1.0',
  'docker:docker.io/library/ubuntu:22.04',
  'docker:registry.example.org:5000/team/app:1.0',
  'registry.example.org:5000/team/app:1.0',
  'docker:localhost:5000/app:1',
  'docker:ubuntu',
  'custom:mine:1',
  'custom:MyThing',
  'id:0123abcd',
  'local:images/x',
];
