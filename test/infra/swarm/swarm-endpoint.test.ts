import { describe, expect, it } from 'vitest';
import { checkSwarmHostSpec, type SwarmHostSpec, SwarmHostSpecError } from '../../../src/infra/swarm/swarm-endpoint.js';

const spec = (over: Partial<SwarmHostSpec>): SwarmHostSpec => ({
  name: 'edge-1',
  endpoint: 'ssh://ops@10.0.0.5',
  tls: {},
  sharesNetwork: false,
  ...over,
});

describe('checkSwarmHostSpec', () => {
  it.each([
    ['unix:///run/decnet-e2/docker.sock', {}],
    ['tcp://10.0.0.5:2376', { ca: '/etc/decnet/ca.pem', cert: '/etc/decnet/cert.pem', key: '/etc/decnet/key.pem' }],
    ['tcp://docker.edge.example:2376', { ca: '/etc/decnet/ca.pem' }],
    ['tcp://127.0.0.1:2375', {}],
    ['ssh://ops@edge.example', {}],
    ['ssh://ops@[fd00::5]:2222', {}],
  ])('accepts %s', (endpoint, tls) => {
    expect(checkSwarmHostSpec(spec({ endpoint, tls }))).toMatchObject({ endpoint });
  });

  it.each([
    ['http://10.0.0.5:2375', /unsupported scheme/],
    ['tcp://10.0.0.5:2375', /needs --tls-ca\/--tls-cert\/--tls-key/],
    ['tcp://10.0.0.5', /must be tcp:\/\/host:port/],
    ['unix://relative.sock', /absolute socket path/],
    ['ssh://edge.example', /ssh:\/\/user@host/],
    ['ssh://ops:hunter2@edge.example', /keys come from the SSH agent/],
    ['ssh://ops@edge.example/;rm -rf /', /ssh:\/\/user@host/],
    ['ssh://$(reboot)@edge.example', /ssh:\/\/user@host/],
    ['tcp://10.0.0.5:2376\n', /tcp:\/\/host:port|not a URL|TLS/],
    ['not a url', /not a URL/],
  ])('refuses %j', (endpoint, why) => {
    expect(() => checkSwarmHostSpec(spec({ endpoint }))).toThrow(SwarmHostSpecError);
    expect(() => checkSwarmHostSpec(spec({ endpoint }))).toThrow(why);
  });

  it.each([['../etc'], ['edge 1'], ['edge;rm'], [''], ['-rf'], ['a'.repeat(65)], ['local']])('refuses the host name %j', (name) => {
    expect(() => checkSwarmHostSpec(spec({ name }))).toThrow(SwarmHostSpecError);
  });

  it('keeps TLS files to tcp://, with cert and key together, as absolute paths', () => {
    expect(() => checkSwarmHostSpec(spec({ tls: { ca: '/ca.pem' } }))).toThrow(/tcp:\/\/ endpoints only/);
    expect(() => checkSwarmHostSpec(spec({ endpoint: 'tcp://h:2376', tls: { cert: '/c.pem' } }))).toThrow(/go together/);
    expect(() => checkSwarmHostSpec(spec({ endpoint: 'tcp://h:2376', tls: { ca: 'ca.pem' } }))).toThrow(/absolute path/);
  });
});
