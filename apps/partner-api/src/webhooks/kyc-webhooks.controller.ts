import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { ApplyKycWebhookCommand } from '@app/commands';
import { APP_CONFIG, AppConfig } from '@app/config';
import { correlationIdOf, ERROR_REF, ParseIdPipe } from '@app/http';
import { createWebhookSignatureVerifier, WEBHOOK_SIGNATURE_HEADER, WebhookSignatureVerifier } from '@app/kyc';

/**
 * Where KYC providers report. Authenticated by an HMAC-SHA256 signature over the exact raw body
 * and a timestamp (two secrets valid while rotating); a bad signature is a 401 and changes
 * nothing. A redelivered event (same provider event id) takes effect once; the raw payload is kept.
 */
@Controller('v1/webhooks/kyc')
export class KycWebhooksController {
  private readonly verifier: WebhookSignatureVerifier;

  constructor(private readonly commands: CommandBus, @Inject(APP_CONFIG) config: AppConfig) {
    this.verifier = createWebhookSignatureVerifier(config.kycWebhooks);
  }

  @Post(':provider')
  @HttpCode(200)
  @Public()
  // The body is read raw (its exact bytes are signed), so the OpenAPI document learns its shape from here.
  @ApiHeader({ name: WEBHOOK_SIGNATURE_HEADER, required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> (one v1 per secret while rotating)' })
  @ApiBody({ description: "The provider's event, e.g. the sandbox's { id, caseId, status, identity?, reason? }.", schema: { type: 'object' } })
  @ApiResponse({ status: 401, description: 'Signature missing, malformed, stale or not matching (WEBHOOK.*); nothing changed.', schema: ERROR_REF })
  async receive(@Param('provider', ParseIdPipe) provider: string, @Req() request: FastifyRequest & { rawBody?: Buffer }) {
    const rawBody = request.rawBody ?? Buffer.alloc(0);
    // Verified against real time, not the (possibly simulated) business clock.
    this.verifier.verify(rawBody, request.headers[WEBHOOK_SIGNATURE_HEADER], new Date());
    const result = await this.commands.execute(
      new ApplyKycWebhookCommand(provider, rawBody.toString('utf8'), {
        actor: { id: `kyc-provider:${provider}`, role: 'service', partnerId: null },
        correlationId: correlationIdOf(request.headers),
        causationId: null,
        idempotencyKey: null,
      }),
    );
    return { received: true, duplicate: result.duplicate, position: String(result.position) };
  }
}
