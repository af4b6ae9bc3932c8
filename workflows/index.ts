// Every workflow the worker registers. Deterministic orchestration only: no I/O, clocks or randomness.
export { CohortWorkflow, patientWorkflowId, progressQuery } from './cohort';
export { PatientWorkflow } from './patient';
