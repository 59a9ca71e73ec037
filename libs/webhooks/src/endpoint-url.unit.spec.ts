import { endpointUrlProblem } from './endpoint-url';

describe('endpointUrlProblem', () => {
  it('accepts HTTPS to a public host', () => {
    expect(endpointUrlProblem('https://hooks.acme.example/model-access?tenant=7', [])).toBeNull();
    expect(endpointUrlProblem('https://203.0.113.9:8443/hooks', [])).toBeNull();
  });

  it.each([
    ['not a url', 'must be an absolute URL such as https://hooks.example.com/model-access'],
    ['http://hooks.acme.example/x', 'must use https://'],
    ['ftp://hooks.acme.example/x', 'must use https://'],
    ['https://user:pw@hooks.acme.example/x', 'must not contain a user name or password'],
    ['https://hooks.acme.example/x#frag', 'must not contain a fragment (#...)'],
    ['https://localhost/x', 'must name a public host, not a private or loopback address'],
    ['https://127.0.0.1/x', 'must name a public host, not a private or loopback address'],
    ['https://10.1.2.3/x', 'must name a public host, not a private or loopback address'],
    ['https://192.168.0.10/x', 'must name a public host, not a private or loopback address'],
    ['https://169.254.169.254/latest/meta-data', 'must name a public host, not a private or loopback address'],
    ['https://[::1]/x', 'must name a public host, not a private or loopback address'],
    [`https://hooks.acme.example/${'a'.repeat(2000)}`, 'must be at most 2000 characters'],
  ])('refuses %s', (url, problem) => {
    expect(endpointUrlProblem(url, [])).toBe(problem);
  });

  it('lets configured hosts be reached over plain HTTP, and only those', () => {
    expect(endpointUrlProblem('http://127.0.0.1:4567/hook', ['127.0.0.1'])).toBeNull();
    expect(endpointUrlProblem('http://127.0.0.2:4567/hook', ['127.0.0.1'])).toBe('must use https://');
  });
});
