import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ReasonCode } from '@app/entitlement';
import { ID_PATTERN } from '@app/http';
import { CheckService } from '../check/check.service';
import { clientAddress, trustedProxies } from './client-address';

/**
 * The check shaped for nginx `auth_request` and Envoy `ext_authz` (HTTP mode): authenticated by
 * the partner credential it carries, answering only 204 (allowed), 401 (no or unknown credential)
 * or 403 (denied), with the result in headers for `auth_request_set`.
 */
@Controller('v1/authz')
export class AuthzController {
  private readonly trusted;

  constructor(private readonly checks: CheckService, @Inject(APP_CONFIG) config: AppConfig) {
    this.trusted = trustedProxies(config.entitlements.trustedProxies);
  }

  @Get()
  @Public()
  async authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const headers = request.headers;
    const authorization = headers.authorization;
    const credential = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    const model = typeof headers['x-model'] === 'string' ? headers['x-model'] : '';
    const endUser = typeof headers['x-end-user'] === 'string' ? headers['x-end-user'] : undefined;
    if (!credential || credential.length > 128) {
      void reply.status(401).header('X-Entitlement-Reasons', ReasonCode.UNKNOWN_CREDENTIAL).send();
      return;
    }
    const answer = await this.checks.check({
      credential,
      model: ID_PATTERN.test(model) ? model : '',
      userId: endUser && endUser.length <= 200 ? endUser : undefined,
      clientIp: clientAddress(request.socket.remoteAddress, headers, this.trusted),
    });
    const status = answer.allow ? 204 : answer.reasons.includes(ReasonCode.UNKNOWN_CREDENTIAL) ? 401 : 403;
    void reply
      .status(status)
      .header('X-Entitlement-Reasons', answer.reasons.join(','))
      .header('X-Partner-Id', answer.partnerId ?? '')
      .header('X-License-Id', answer.licenseId ?? '')
      .header('X-Entitlement-Position', answer.position)
      .header('X-Decision-Id', answer.decisionId)
      .send();
  }
}
