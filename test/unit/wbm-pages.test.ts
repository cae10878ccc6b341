import { describe, expect, it } from 'vitest';
import { bannerModel, DOWNLOAD_LINK_TEXT, FAULT_TRACE_LINK_TEXT, frameSources, pageLinks } from '../../electron/core/wbm/pages.js';

describe('WBM page reading', () => {
  it('finds links by their visible text, tags and entities resolved', () => {
    const html = `<ul><li><A HREF='page.cmd?page=X&amp;lang=en'><span>Fault&nbsp;trace
      configuration</span></A></li><a href=/t.cmd?f=1>Download trace file</a><a>no href</a><a href="">empty</a></ul>`;
    expect(pageLinks(html)).toEqual([
      { href: 'page.cmd?page=X&lang=en', text: 'Fault trace configuration' },
      { href: '/t.cmd?f=1', text: 'Download trace file' },
    ]);
    expect(FAULT_TRACE_LINK_TEXT.test('Fault trace configuration')).toBe(true);
    expect(DOWNLOAD_LINK_TEXT.test(' Download old trace file')).toBe(true);
    expect(DOWNLOAD_LINK_TEXT.test('Downloads')).toBe(false);
  });

  it('reads frame sources and the banner model', () => {
    expect(frameSources('<frameset><frame name=m src="/menu.cmd?a=1&amp;b=2"><iframe src=x.cmd></iframe></frameset>')).toEqual([
      '/menu.cmd?a=1&b=2',
      'x.cmd',
    ]);
    expect(bannerModel('<table><tr><td class="part_1">x</td><td class="banner part_4"> OpenStage&#32;60 </td></tr></table>')).toBe(
      'OpenStage 60',
    );
    expect(bannerModel('<td class="part_40">nope</td>')).toBeNull();
  });
});
