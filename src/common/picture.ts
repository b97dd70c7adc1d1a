import type { FileIdentity } from './fileIdentity';

/** What is known of a picture before it is sent: one type for the images layer's findings and the upload's needs. */
export interface PictureFacts {
  /** Size of the whole file in bytes. */
  readonly byteSize: number;
  /** The MIME type the content is (not the one the name suggests), e.g. image/png. */
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
  /** The file as inspected (files on disk only): the upload sends it only while it is still this file. */
  readonly fileIdentity?: FileIdentity;
  /** SHA-256 of the bytes inspected (pictures read into memory): bytes read again must hash to it. */
  readonly contentSha256?: string;
}
