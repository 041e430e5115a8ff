// The planner's public surface.

export { planWorkflow, planJob } from './plan';
export { cacheKey } from './cache-key';
export { topologicalOrder, dependencyEdges } from './dag';
export { resolveImage } from './images';
export { submissionUnits, unitNeeds, type SubmissionUnit } from './groups';
export { expandMatrix, matrixRefs, substituteMatrix, MATRIX_REF } from './matrix';
export { PlanError } from './plan-error';
export { isGlobPattern } from './files';
export type * from './types';
