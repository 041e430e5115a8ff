// The Dockerfile rules (issue 14): what the editor and the CLI load.
export { checkDockerfile } from './check';
export { DOCKERFILE_CODES, type DockerfileCode, type DockerfileCodeInfo } from './codes';
export { isDockerfileName } from './file-names';
