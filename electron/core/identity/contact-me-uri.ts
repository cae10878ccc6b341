import { CONTACT_ME_PATH, contactMeUri } from '../discovery/contact-me.js';

/**
 * The contact-me URI Fieldstage will use for a phone. A phone reports its own (`contact-me-uri`,
 * p. 27), but anything on the LAN can report anything: only a plain http:// URI on the address
 * the request came from, with the contact-me path and nothing else, is taken. Any other port on
 * the phone's own address is accepted (it can only reach the phone itself). Otherwise the
 * default URI of that address is used and `refused` says why.
 */
export function acceptedContactMeUri(reported: string | null, peer: string): { uri: string | null; refused?: string } {
  if (reported === null) return { uri: null };
  let url: URL | null = null;
  try {
    url = new URL(reported);
  } catch {
    // Not a URL at all: refused below.
  }
  const host = peer.includes(':') ? `[${peer}]` : peer;
  const fits =
    url !== null &&
    url.protocol === 'http:' &&
    url.hostname === host &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === CONTACT_ME_PATH &&
    url.search === '' &&
    url.hash === '';
  if (fits) return { uri: reported };
  return {
    uri: contactMeUri(peer),
    refused: `contact-me-uri "${reported.slice(0, 255)}" refused (not this phone's address ${peer} with ${CONTACT_ME_PATH}); using the default`,
  };
}
