import { createWebhookSignatureVerifier } from '@app/kyc';
import { deliveryIdFor, signedDeliveryRequest } from './delivery-request';

describe('signed delivery request', () => {
  const payload = { id: '0b7e2f43-7f5e-4b5e-9c1a-2a1d1c0f9e11', type: 'LicenseGranted', occurredAt: '2026-06-09T10:00:00.000Z', position: '42', data: { licenseId: 'lic-1' } };
  const now = new Date('2026-06-09T10:00:05.000Z');

  it('signs the exact body with the endpoint secret so the partner can verify it', () => {
    const request = signedDeliveryRequest(payload, 'whsec_test', { deliveryId: 'whd-1', attempt: 3 }, now);
    expect(JSON.parse(request.body)).toEqual(payload);
    expect(request.headers['X-Webhook-Signature']).toMatch(/^t=1780999205,v1=[0-9a-f]{64}$/);
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'X-Webhook-Id': 'whd-1', 'X-Webhook-Event': 'LicenseGranted', 'X-Webhook-Attempt': '3' });
    const verifier = createWebhookSignatureVerifier({ secrets: ['whsec_test'], toleranceSeconds: 300 });
    expect(verifier.verify(request.body, request.headers['X-Webhook-Signature'], now).secretIndex).toBe(0);
    expect(() => createWebhookSignatureVerifier({ secrets: ['whsec_other'], toleranceSeconds: 300 }).verify(request.body, request.headers['X-Webhook-Signature'], now)).toThrow();
    expect(() => verifier.verify(request.body.replace('lic-1', 'lic-2'), request.headers['X-Webhook-Signature'], now)).toThrow();
  });

  it('names one delivery per event and endpoint', () => {
    expect(deliveryIdFor('e-1', 'whk-1')).toBe(deliveryIdFor('e-1', 'whk-1'));
    expect(deliveryIdFor('e-1', 'whk-1')).not.toBe(deliveryIdFor('e-1', 'whk-2'));
    expect(deliveryIdFor('e-1', 'whk-1')).toMatch(/^whd-[0-9a-f]{32}$/);
  });
});
