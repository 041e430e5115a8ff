// A workflow the planner cannot turn into jobs. The validator refuses all of these first, with
// positions; the planner still checks, so that it never plans from a workflow nobody validated.

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}
