import { describe, expect, it } from 'vitest';
import { SseParser } from '../../renderer/src/api/sse.js';
import { buildEditorModel, FUNCTION_KEYS_FAMILY, NOT_IN_CATALOGUE } from '../../renderer/src/lib/editorModel.js';
import { itemOutcomes } from '../../renderer/src/lib/itemOutcome.js';
import { prettyXml } from '../../renderer/src/lib/prettyXml.js';
import { itemView, jobView } from './support.js';

describe('buildEditorModel', () => {
  const items = [
    itemView('transaction-timer', '32000'),
    itemView('function-key-def', '59', { index: 2 }),
    itemView('key-label-unicode', 'BLF 12', { index: 2 }),
    itemView('function-key-def', '0', { index: 1 }),
    itemView('vendor-private-thing', 'x'),
  ];

  it('groups by category, puts key functions and labels in one table, and keeps unknown items', () => {
    const groups = buildEditorModel({ items, pending: [], includeCatalogue: false, query: '' });
    expect(groups.map((group) => group.category)).toEqual(['sip', 'keys', NOT_IN_CATALOGUE]);
    const keys = groups.find((group) => group.category === 'keys')?.families[0];
    expect(keys?.id).toBe(FUNCTION_KEYS_FAMILY);
    expect(keys?.members.map((member) => member.name)).toEqual(['function-key-def', 'key-label-unicode']);
    expect(keys?.indexes).toEqual([1, 2]);
    expect(groups.at(-1)?.singles.map((single) => single.name)).toEqual(['vendor-private-thing']);
  });

  it('filters by name, meaning and value', () => {
    const byValue = buildEditorModel({ items, pending: [], includeCatalogue: false, query: 'blf 12' });
    expect(byValue.map((group) => group.category)).toEqual(['keys']);
    const byMeaning = buildEditorModel({ items, pending: [], includeCatalogue: false, query: 'transaction response' });
    expect(byMeaning.flatMap((group) => group.singles.map((single) => single.name))).toEqual([]);
  });

  it('adds catalogue items on request', () => {
    const groups = buildEditorModel({ items, pending: [], includeCatalogue: true, query: '' });
    expect(groups.find((group) => group.category === 'sip')?.singles.some((single) => single.name === 'sip-transport')).toBe(true);
  });
});

describe('itemOutcomes', () => {
  it('words each item by the phone’s status or, without one, by the job state', () => {
    const job = jobView({
      state: 'done',
      items: [
        { name: 'a', value: '1' },
        { name: 'b', value: '1' },
        { name: 'c', value: '1' },
        { name: 'd', index: 4, value: '1' },
      ],
      results: [
        { name: 'a', status: 'accepted' },
        { name: 'b', status: 'read only' },
        { name: 'c', status: 'invalid data' },
      ],
    });
    const outcomes = itemOutcomes(job);
    expect(outcomes.get('a')).toEqual({ kind: 'accepted' });
    expect(outcomes.get('b')).toEqual({ kind: 'readOnly' });
    expect(outcomes.get('c')).toEqual({ kind: 'refused', status: 'invalid data' });
    expect(outcomes.get('d#4')).toEqual({ kind: 'unconfirmed' });
    expect(itemOutcomes(jobView({ state: 'waiting-busy', items: [{ name: 'a', value: '1' }] })).get('a')).toEqual({
      kind: 'busy',
    });
  });
});

describe('prettyXml', () => {
  it('indents elements, keeps values and attributes, and shows the declaration once', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><WorkpointMessage xmlns="http://www.siemens.com/DLS"><Message nonce="A1"><ItemList><Item name="e164">  4711 </Item><Item name="x" index="2"/></ItemList></Message></WorkpointMessage>';
    expect(prettyXml(xml)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<WorkpointMessage xmlns="http://www.siemens.com/DLS">',
        '  <Message nonce="A1">',
        '    <ItemList>',
        '      <Item name="e164">  4711 </Item>',
        '      <Item name="x" index="2"/>',
        '    </ItemList>',
        '  </Message>',
        '</WorkpointMessage>',
      ].join('\n'),
    );
  });

  it('escapes text and attributes again', () => {
    expect(prettyXml('<a t="&quot;x&quot;">1 &lt; 2 &amp; 3</a>')).toBe('<a t="&quot;x&quot;">1 &lt; 2 &amp; 3</a>');
  });

  it('returns what does not parse unchanged', () => {
    expect(prettyXml('<a><b></a>')).toBe('<a><b></a>');
    expect(prettyXml('')).toBe('');
  });
});

describe('SseParser', () => {
  it('returns complete events across chunk boundaries and ignores comments', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\n\ndata: 2\r\n')).toEqual(['{"a":1}']);
    expect(parser.push('data: 3\n\n')).toEqual(['2\n3']);
  });
});
