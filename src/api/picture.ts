import type { Picture } from './types';

/** The one test of "has a picture": the service answers a customer without one with width 0 and no content type. */
export function hasPicture(picture: Pick<Picture, 'width' | 'contentType'>): boolean {
  return picture.width > 0 || Boolean(picture.contentType);
}
