/**
 * Inputs that make naive XML scanners quadratic or explode: used by the unit tests (correct
 * answer) and by `npm run bench` (how long each takes; speed is never asserted in a test).
 */

const mb = 1 << 20;

/** 1 MB each: what a log redactor must get through in linear time. */
export const HOSTILE_REDACT_INPUTS: readonly string[] = [
  '<'.repeat(mb),
  '<Item name="'.repeat(mb / 12),
  '<Item name="sip-pwd" '.repeat(mb / 21),
  `<Item name="sip-pwd">${'<!--'.repeat(mb / 4)}`,
  `<Item name="sip-pwd">${'<a '.repeat(mb / 3)}`,
  `<Item name="sip-pwd">${'<a>'.repeat(mb / 3)}`,
  '<Item name="sip-pwd">x</Item>'.repeat(mb / 29),
  `<Item ${'a="b" '.repeat(mb / 6)}name="sip-pwd">x`,
  `<Item name="${'&#45;'.repeat(mb / 5)}">x</Item>`,
  '<Item name=sip-pwd>'.repeat(mb / 19),
  `<Item name="sip-pwd">${'<![CDATA['.repeat(mb / 9)}`,
  '"\''.repeat(mb / 2),
  `<Item name="sip-pwd">${'<?'.repeat(mb / 2)}`,
  `<Item name="sip-pwd">${'</a'.repeat(mb / 3)}`,
];

/** The classic exponential entity expansion, as a WorkpointMessage's prologue would carry it. */
export function billionLaughs(message: string): string {
  const lol = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?><!DOCTYPE lolz [${lol.join('')}]>${message}`;
}
