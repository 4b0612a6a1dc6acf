import { describe, expect, it } from 'vitest';
import { formatPath, parseTopologyFile, TopologyFileError } from '../../../src/infra/store/topology-file.schema.js';

const good = { name: 'corp', deckies: [{ name: 'web01', services: ['ssh'] }] };
const ann = { name: 'Ann', email: 'ann@corp.example', role: 'CFO' };

function errorOf(json: unknown): string {
  try {
    parseTopologyFile(json);
  } catch (err) {
    expect(err).toBeInstanceOf(TopologyFileError);
    return (err as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

describe('topology file schema', () => {
  it('fills defaults and generates an id when none is given', () => {
    const file = parseTopologyFile(good);
    expect(file).toMatchObject({ name: 'corp', language_default: 'en', email_personas: [], idGenerated: true });
    expect(file.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('validates personas with the personas schema and keeps their normalised form', () => {
    const file = parseTopologyFile({ ...good, email_personas: [{ ...ann, name: '  Ann  ', extra: 1 }] });
    expect(file.email_personas).toEqual([
      {
        name: '  Ann  ',
        email: 'ann@corp.example',
        role: 'CFO',
        tone: 'formal',
        mannerisms: [],
        language: null,
        signature: null,
        active_hours: '09:00-18:00',
        reply_latency: 'normal',
        uses_llms_heavily: false,
      },
    ]);
  });

  it("takes a language_default of up to 8 characters and personas sharing an address, as DECNET's topologies do", () => {
    const twin = { ...ann, name: 'Ann Two', email: 'ANN@corp.example' };
    const file = parseTopologyFile({ ...good, language_default: 'pt-BR', email_personas: [ann, twin] });
    expect(file.language_default).toBe('pt-BR');
    expect(file.email_personas.map((p) => p.email)).toEqual(['ann@corp.example', 'ANN@corp.example']);
  });

  it('keeps a given id, lowercased', () => {
    const file = parseTopologyFile({ ...good, id: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE' });
    expect(file).toMatchObject({ id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', idGenerated: false });
  });

  it.each([
    [
      {
        ...good,
        deckies: [
          { name: 'a', services: ['ssh'] },
          { name: 'b', services: 'ssh' },
        ],
      },
      /^deckies\[1\]\.services: expected array/,
    ],
    [{ ...good, deckies: [{ name: 'web;rm -rf /', services: [] }] }, /^deckies\[0\]\.name: name must start with a letter or digit/],
    [{ ...good, deckies: [{ name: '../etc', services: [] }] }, /^deckies\[0\]\.name:/],
    [{ ...good, deckies: [{ name: 'web\n01', services: [] }] }, /^deckies\[0\]\.name:/],
    [{ ...good, deckies: [{ name: 'x'.repeat(65), services: [] }] }, /^deckies\[0\]\.name:/],
    [{ ...good, deckies: [{ name: 'web01', services: ['ssh', '$(id)'] }] }, /^deckies\[0\]\.services\[1\]: service must start/],
    [{ ...good, deckies: [{ name: 'web01', services: [], ip: '10.0.0.256' }] }, /^deckies\[0\]\.ip: Invalid IPv4/],
    [{ ...good, deckies: [{ name: 'web01', services: [], ip: '::1' }] }, /^deckies\[0\]\.ip:/],
    [{ ...good, deckies: [{ name: 'web01', services: [], state: 'Running!' }] }, /^deckies\[0\]\.state:/],
    [{ ...good, deckies: [{ name: 'web01', services: [], color: 'red' }] }, /^deckies\[0\]: Unrecognized key: "color"/],
    [
      {
        ...good,
        deckies: [
          { name: 'web01', services: [] },
          { name: 'web01', services: [] },
        ],
      },
      /^deckies\[1\]\.name: duplicate name "web01"/,
    ],
    [{ ...good, language_default: 'portugues' }, /^language_default: language_default must be a language code of up to 8 characters/],
    [{ ...good, language_default: '' }, /^language_default:/],
    [{ ...good, language_default: 'e n' }, /^language_default:/],
    [{ ...good, id: 'not-a-uuid' }, /^id: id must be a uuid/],
    [{ ...good, timezone: 'Mars/Olympus' }, /^timezone: timezone must be an IANA time zone/],
    [{ ...good, email_personas: {} }, /^email_personas: expected array/],
    [{ ...good, email_personas: ['ann'] }, /^email_personas\[0\]: expected object/],
    [
      { ...good, email_personas: [ann, { ...ann, email: 'bob@localhost' }] },
      /^email_personas\[1\]\.email: must look like user@domain\.tld/,
    ],
    [{ ...good, email_personas: [ann, { ...ann, tone: 'angry' }] }, /^email_personas\[1\]\.tone:/],
    [{ ...good, name: '' }, /^name:/],
    [{ deckies: [] }, /^name: expected string, received undefined/],
    [{ name: 'corp' }, /^deckies: expected array/],
    [[], /^\(root\): expected object/],
  ])('rejects %j naming the field', (json, message) => {
    expect(errorOf(json)).toMatch(message);
  });

  it('formats paths the way an operator reads them', () => {
    expect(formatPath(['deckies', 1, 'services', 0])).toBe('deckies[1].services[0]');
    expect(formatPath([])).toBe('(root)');
  });
});
