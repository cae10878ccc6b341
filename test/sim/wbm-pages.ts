/**
 * The simulated phone's web pages (WBM), all in one place so they can be corrected once a real
 * phone's pages are recorded (research-notes §1.4 step 6). Only the login forms, the cookie, the
 * failure texts and `main_banner.cmd` follow documented facts (diagnostics spec §1.9,
 * research-notes §1.2); page names, the menu layout and the download URLs are invented.
 */

/** Invented page names and URLs (the real ones are unknown). */
export const SIM_WBM_PAGES = {
  menu: '/page.cmd?page=WEBM_Admin_Menu&lang=en',
  start: '/page.cmd?page=WEBM_Admin_Start&lang=en',
  faultTrace: '/page.cmd?page=WEBM_Admin_FaultTrace&lang=en',
} as const;

/** The trace files the fault-trace page offers, by link text (spec §1.2) and invented URL. */
export const SIM_TRACE_FILES = [
  { kind: 'trace', text: 'Download trace file', href: '/trace.cmd?file=trace' },
  { kind: 'boot', text: 'Download boot file', href: '/trace.cmd?file=boot' },
  { kind: 'syslog', text: 'Download syslog file', href: '/trace.cmd?file=syslog' },
] as const;
export type SimTraceFileKind = (typeof SIM_TRACE_FILES)[number]['kind'];

const page = (title: string, body: string): string =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body>${body}<div class="footer">Unify GmbH &amp; Co. KG, www.unify.com</div></body></html>`;

/** The login page; V2 firmware has the older form (spec §1.9). */
export function loginPage(v2: boolean, notice = ''): string {
  const form = v2
    ? '<input type="hidden" name="page_submit" value="WEBMp_AdminLogin"><input type="password" name="WEBMv-Admin-Password">'
    : '<input type="hidden" name="page_submit" value="WEBMp_Admin_Login"><input type="password" name="AdminPassword">';
  return page(
    'Openstage IP Phone Admin',
    `${notice}<form method="post" action="/page.cmd">${form}<input type="submit" value="Login"></form>`,
  );
}

export const authFailedPage = (v2: boolean): string => loginPage(v2, '<p class="error">Authentication failed</p>');
export const suspendedPage = (v2: boolean): string => loginPage(v2, '<p class="error">Password is suspended</p>');

/** What the phone shows after a login: the admin frameset. */
export function adminFrameset(): string {
  return `<!DOCTYPE html><html><head><title>Openstage IP Phone Admin</title></head><frameset cols="220,*"><frame name="menu" src="${SIM_WBM_PAGES.menu.replace(/&/g, '&amp;')}"><frame name="main" src="${SIM_WBM_PAGES.start.replace(/&/g, '&amp;')}"></frameset></html>`;
}

/** The admin menu; `withFaultTrace: false` is a firmware whose menu Fieldstage does not know. */
export function adminMenu(withFaultTrace: boolean): string {
  const items = [
    ['Network', '/page.cmd?page=WEBM_Admin_IpConfiguration&lang=en'],
    ['System', '/page.cmd?page=WEBM_Admin_Identity&lang=en'],
    ['Restart', '/page.cmd?page=WEBM_Admin_Restart&lang=en'],
    ...(withFaultTrace ? [['Fault trace configuration', SIM_WBM_PAGES.faultTrace]] : []),
    ['Logout', '/page.cmd?user=none&lang=en'],
  ];
  const links = items.map(([text, href]) => `<li><a href="${(href ?? '').replace(/&/g, '&amp;')}"><span>${text}</span></a></li>`).join('');
  return page('Admin menu', `<ul class="menu">${links}</ul>`);
}

export const adminStart = (): string => page('Admin', '<p>Administration</p>');

/** The fault-trace page: the levels as the phone has them and a link per existing file. */
export function faultTracePage(levels: readonly string[], files: readonly { text: string; href: string }[]): string {
  const rows = levels
    .map(
      (value, i) => `<tr><td>Component ${i}</td><td><select name="trace-level-${i}"><option selected>${value}</option></select></td></tr>`,
    )
    .join('');
  const links = files.map((f) => `<p><a href="${f.href}">${f.text}</a></p>`).join('');
  return page('Fault trace configuration', `<form method="post" action="/page.cmd"><table>${rows}</table></form>${links}`);
}

/** `/main_banner.cmd`: the model in `td.part_4`, without login (research-notes §1.2). */
export function bannerPage(model: string): string {
  return page('banner', `<table><tr><td class="part_1">Unify</td><td class="part_4">${model}</td></tr></table>`);
}
