// ISO 639-1 code → the ISO 639-3 code of the language model franc has for it. Macrolanguages map
// to the individual language franc models (ar → arb, zh → cmn, no → nob, fa → pes, ms → zlm …).
// Built from the ISO 639-3 registry for the 185 languages franc 6 knows.

/** franc's model code for each ISO 639-1 language it can recognise. */
export const FRANC_CODES: Readonly<Record<string, string>> = {
  af: 'afr', am: 'amh', ar: 'arb', ay: 'ayr', az: 'azj', be: 'bel', bg: 'bul', bm: 'bam', bn: 'ben',
  bo: 'bod', bs: 'bos', ca: 'cat', cs: 'ces', da: 'dan', de: 'deu', ee: 'ewe', el: 'ell', en: 'eng',
  eo: 'epo', es: 'spa', et: 'ekk', fa: 'pes', ff: 'fuv', fi: 'fin', fr: 'fra', gl: 'glg', gu: 'guj',
  ha: 'hau', he: 'heb', hi: 'hin', hr: 'hrv', ht: 'hat', hu: 'hun', hy: 'hye', id: 'ind', ig: 'ibo',
  ii: 'iii', it: 'ita', ja: 'jpn', jv: 'jav', ka: 'kat', kk: 'kaz', km: 'khm', kn: 'kan', ko: 'kor',
  ku: 'ckb', ky: 'kir', lg: 'lug', ln: 'lin', lo: 'lao', lt: 'lit', lv: 'lvs', mg: 'plt', mk: 'mkd',
  ml: 'mal', mn: 'khk', mr: 'mar', ms: 'zlm', my: 'mya', nb: 'nob', ne: 'npi', ng: 'ndo', nl: 'nld',
  nn: 'nno', no: 'nob', ny: 'nya', pa: 'pan', pl: 'pol', ps: 'pbu', pt: 'por', qu: 'quy', rn: 'run',
  ro: 'ron', ru: 'rus', rw: 'kin', sc: 'src', sg: 'sag', si: 'sin', sk: 'slk', sl: 'slv', sn: 'sna',
  so: 'som', sq: 'als', sr: 'srp', ss: 'ssw', st: 'sot', su: 'sun', sv: 'swe', sw: 'swh', ta: 'tam',
  te: 'tel', tg: 'tgk', th: 'tha', ti: 'tir', tk: 'tuk', tl: 'tgl', tn: 'tsn', tr: 'tur', ts: 'tso',
  tt: 'tat', ug: 'uig', uk: 'ukr', ur: 'urd', uz: 'uzn', ve: 'ven', vi: 'vie', wo: 'wol', xh: 'xho',
  yi: 'ydd', yo: 'yor', zh: 'cmn', zu: 'zul',
};
