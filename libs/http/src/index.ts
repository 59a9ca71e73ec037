export { createHttpApp, HttpAppOptions, listen } from './bootstrap';
export { ErrorBody, HttpErrorFilter, toErrorBody } from './http-error.filter';
export { bodyDepthExceeds, createValidationPipe, IsIsoTime, MAX_BODY_DEPTH } from './validation';
export { correlationIdOf, fieldError, ID_PATTERN, Meta, newEntityId, ParseIdPipe } from './request-context';
export { APP_READINESS, HealthController, ReadinessCheck } from './operability/health.controller';
export { AppMetrics } from './operability/metrics';
export { OperabilityModule } from './operability/operability.module';
export { runMain } from './run-main';
export { PageQueryDto } from './page-query';
