/** OData resource paths: `companies(<guid>)/customers(<guid>)/picture/pictureContent`. */
import { errors, ServiceError } from './errors';
import { isGuid } from './filter';

export interface Segment {
  name: string;
  /** The key in parentheses, validated as a GUID and lower-cased; '' for empty parentheses. */
  key?: string;
}

/** Splits and validates an OData path (after the API base). Keys must be unquoted GUIDs. */
export function parseSegments(rest: string): Segment[] {
  const parts = rest.split('/').filter((p, i, all) => !(p === '' && (i === 0 || i === all.length - 1)));
  return parts.map((raw) => {
    let text: string;
    try {
      text = decodeURIComponent(raw);
    } catch {
      throw errors.badQuery(`The request URI segment '${raw}' is not valid.`);
    }
    const m = /^([A-Za-z_$][\w.$]*)(?:\((.*)\))?$/s.exec(text);
    if (!m) {
      throw new ServiceError(400, 'BadRequest', `Bad Request - Error in query syntax. The segment '${text}' is not valid.`);
    }
    if (m[2] === undefined) {
      return { name: m[1] };
    }
    let key = m[2].trim();
    const named = /^id\s*=\s*(.*)$/.exec(key);
    if (named) {
      key = named[1];
    }
    if (key !== '' && !isGuid(key)) {
      throw errors.badKey(key);
    }
    return { name: m[1], key: key.toLowerCase() };
  });
}

/** Keys in path form (Graph): `companies/<guid>`; a parenthesised key is rejected. */
export function guidSegment(value: string): string {
  let text = value;
  try {
    text = decodeURIComponent(value);
  } catch {
    // reported below
  }
  if (!isGuid(text)) {
    throw errors.badKey(text);
  }
  return text.toLowerCase();
}
