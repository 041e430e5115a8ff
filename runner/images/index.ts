// Image gateway client (shifterimg pull / lookup / images) and the reference normal form.

export { normalizeImageRef, parseImageRef, ImageRefError, IMAGE_TYPES, type ImageRef, type ImageType } from './image-ref';
export {
  ImageGateway,
  pullImage,
  pullAll,
  lookupImage,
  listImages,
  requireReady,
  ImageGatewayUnreachableError,
  ImageGatewayError,
  ImagePullError,
  type ImageGatewayOptions,
  type PullOptions,
  type PullAllOptions,
  type PullResult,
  type ImageRequest,
  type AclEntry,
  type ShifterimgCalls,
} from './gateway';
export {
  PullOutputReader,
  parsePullLine,
  parsePullOutput,
  summarizePull,
  parseImagesOutput,
  parseLookupOutput,
  GATEWAY_DOWN_MESSAGE,
  PULL_CONTINUE_STATUSES,
  PULL_FINAL_STATUSES,
  type ImageRecord,
  type ImageStatus,
  type PullEvent,
  type PullSummary,
} from './shifterimg-output';
